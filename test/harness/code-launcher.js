#!/usr/bin/env node
// A "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): takes the
// arguments it passes and runs the extension tests in the VS Code server's real extension host.
// Compiled harness code lives under out/ (npm run compile-tests).
const path = require('path');
const { parseCodeArgs, runExtensionTests } = require(path.join(__dirname, '..', '..', 'out', 'test', 'harness', 'extensionHost.js'));

runExtensionTests(parseCodeArgs(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[vscode] ${err && err.message ? err.message : err}`);
    process.exit(2);
  },
);
