// Bundles the extension and the CLI with esbuild: dist/extension.js (loaded by VS Code) and
// dist/cli.js (plain Node 20). `--production` minifies, `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  // ssh2's optional native crypto: without it ssh2 uses its pure-JS code, which works in any Node.
  external: ['vscode', 'cpu-features'],
  loader: { '.node': 'empty' },
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// Webview components, served from the extension itself (no remote resources).
mkdirSync('media/vendor', { recursive: true });
copyFileSync('node_modules/@vscode-elements/elements/dist/bundled.js', 'media/vendor/vscode-elements.js');
// Chart.js draws the comparison's per-split scores; its UMD build sets window.Chart.
copyFileSync('node_modules/chart.js/dist/chart.umd.min.js', 'media/vendor/chart.js');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[build] watching src/ for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
