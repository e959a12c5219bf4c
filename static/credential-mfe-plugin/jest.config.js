module.exports = {
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/test/setup.js'],
  testMatch: ['<rootDir>/test/**/*.test.jsx'],
  // The Open edX packages ship ES modules: let Babel compile them too.
  transformIgnorePatterns: ['/node_modules/(?!(@openedx|@edx)/)'],
  moduleNameMapper: { '\\.(css|scss|svg|png)$': '<rootDir>/test/style-stub.js' },
  reporters: ['default', ['jest-junit', { outputDirectory: process.env.JEST_JUNIT_OUTPUT_DIR || 'reports', outputName: 'jest.xml' }]],
};
