module.exports = {
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/test/setup.js'],
  testMatch: ['<rootDir>/test/**/*.test.jsx'],
  // The Open edX packages ship ES modules: let Babel compile them too.
  transformIgnorePatterns: ['/node_modules/(?!(@openedx|@edx)/)'],
  moduleNameMapper: { '\\.(css|scss|svg|png)$': '<rootDir>/test/style-stub.js' },
  // JUnit for CI's summary: reports/jest.xml, or JEST_JUNIT_OUTPUT_FILE (.ci/test-suites sets it).
  reporters: ['default', ['jest-junit', { outputDirectory: 'reports', outputName: 'jest.xml' }]],
};
