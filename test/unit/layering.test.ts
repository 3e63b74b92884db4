import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { repoRoot } from '../paths';

// src/core is plain TypeScript that runs in mocha and the CLI; VS Code glue lives in src/vscode.
const VSCODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]vscode['"]/;

async function tsFilesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? tsFilesUnder(path.join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}

describe('layering', () => {
  it('recognises every form of importing vscode', () => {
    for (const line of [
      "import * as vscode from 'vscode';",
      'import { window } from "vscode";',
      "import 'vscode';",
      "const vscode = require('vscode');",
      "const v = await import('vscode');",
      "import type { Uri } from 'vscode';",
    ]) {
      assert.ok(VSCODE_IMPORT.test(line), line);
    }
    for (const line of ["import * as fs from 'fs';", "const name = 'vscode-elements';", "import { x } from './vscodeish';"]) {
      assert.ok(!VSCODE_IMPORT.test(line), line);
    }
  });

  it('src/core never imports vscode', async () => {
    const files = await tsFilesUnder(path.join(repoRoot, 'src', 'core'));
    assert.ok(files.length > 0, 'src/core has TypeScript files');
    const offenders: string[] = [];
    for (const file of files) {
      const text = await fs.readFile(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        if (VSCODE_IMPORT.test(line)) offenders.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepStrictEqual(offenders, [], 'move VS Code glue to src/vscode');
  });
});
