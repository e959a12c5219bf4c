// The package's build (esbuild): dist/index.js, the library an MFE bundles (its peers left to the MFE), and
// dist/harness.{js,css}, a page that mounts both widgets for the demo's browser test.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

// Paragon reads its breakpoints from a Sass module's `:export` (a webpack sass-loader feature): give esbuild
// the values of Paragon's own $grid-breakpoints map instead.
const paragonBreakpoints = {
  name: 'paragon-breakpoints',
  setup(builder) {
    builder.onLoad({ filter: /_exports\.module\.scss$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const map = /\$grid-breakpoints:\s*\(([^)]*)\)/.exec(source)[1];
      const entries = [...map.matchAll(/(\w+):\s*([\w.]+)/g)].map(([, key, value]) => [key, value]);
      return { contents: `export default ${JSON.stringify(Object.fromEntries(entries))};`, loader: 'js' };
    });
  },
};

const common = { bundle: true, jsx: 'automatic', loader: { '.js': 'jsx' }, logLevel: 'warning', sourcemap: true };

await build({
  ...common,
  entryPoints: ['src/index.js'],
  outfile: 'dist/index.js',
  format: 'esm',
  external: ['react', 'react-dom', 'react/*', 'prop-types', '@openedx/paragon', '@openedx/paragon/*',
    '@edx/frontend-platform', '@edx/frontend-platform/*', '@openedx/frontend-plugin-framework'],
});

await build({
  ...common,
  entryPoints: ['harness/index.jsx', 'harness/harness.css'],
  outdir: 'dist/harness',
  format: 'iife',
  minify: true,
  define: { 'process.env': JSON.stringify({ NODE_ENV: 'production' }) },
  alias: { 'env.config': './harness/env.config.js' },
  plugins: [paragonBreakpoints],
  loader: { ...common.loader, '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
});
