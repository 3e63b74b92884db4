// Entry of the vscode tier: @vscode/test-electron's runTests, pointed at our launcher so the tests
// run in the VS Code server's extension host (desktop VS Code cannot be downloaded here). With
// REPROLAB_DESKTOP_VSCODE=1 on a machine with desktop VS Code, the same tests run there instead.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../paths';

async function main(): Promise<void> {
  // A copy of the fixture workspace, so settings the tests write never touch the repository.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-ws-'));
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'sif'), path.join(workspace, 'images'), { recursive: true });
  const desktop = process.env.REPROLAB_DESKTOP_VSCODE === '1';
  try {
    await runTests({
      ...(desktop ? {} : { vscodeExecutablePath: path.join(repoRoot, 'test', 'harness', 'code-launcher.js') }),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [workspace],
      extensionTestsEnv: { REPROLAB_TEST_WORKSPACE: workspace },
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`vscode tier failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
