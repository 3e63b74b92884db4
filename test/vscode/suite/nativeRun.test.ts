import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';
import type { ComparePanel } from '../../../src/vscode/webviews/comparePanel';
import { loadServices } from '../../integration/services';
import { repoRoot } from '../../paths';

// Compare with Native Run on the example lab: its image (the test stand-in runs it) and its
// main.py under Debian's python3 on this machine, with the same arguments and seed.
describe('Compare with Native Run', () => {
  const services = loadServices();
  let api: ReproLabApi;
  let outputRoot: string;
  let uri: vscode.Uri;

  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
    outputRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-native-'));
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'native.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, [
      '# The example lab, inside its image and on the host',
      `image: ${services.images.example}`,
      'arguments:',
      `  input-dir: ${services.images.exampleData}`,
      '  num-search-iterations: 4',
      '  scoring: [accuracy, roc_auc]',
      '  num-folds: 3',
      '  random-state: 7',
      'native:',
      `  command: [/usr/bin/python3, ${path.join(repoRoot, 'examples', 'sklearn-lab', 'main.py')}]`,
      'output:',
      `  root: ${outputRoot}`,
      'target:',
      '  type: local',
      '',
    ].join('\n'));
    uri = vscode.Uri.file(file);
  });

  after(() => {
    fs.rmSync(outputRoot, { recursive: true, force: true });
    fs.rmSync(uri.fsPath, { force: true });
  });

  it('runs the configuration in its image and natively, and finds the container reproduces the host', async function () {
    this.timeout(180000);
    const panel = await vscode.commands.executeCommand<ComparePanel>('reprolab.compareWithNativeRun', uri);
    const c = panel.shown!;
    assert.deepStrictEqual(c.runs.map((r) => r.label), ['native (seed 7)', 'native (seed 7, native)']);
    assert.deepStrictEqual(c.reproducibility.map((r) => [r.runs.length, r.reproduced]), [[2, true]], 'same cv_results inside and outside the image');
    const runs = api.jobsTree.getChildren().filter((n) => n.kind === 'run' && n.run.name.startsWith('native (seed 7')).map((n) => n.kind === 'run' ? n.run : undefined)!;
    const record = JSON.parse(fs.readFileSync(path.join(runs.find((r) => r!.name.endsWith('native)'))!.outputFolder, 'run.json'), 'utf8'));
    assert.strictEqual(record.command[0], '/usr/bin/python3');
    assert.deepStrictEqual(record.native.command.slice(0, 1), ['/usr/bin/python3']);
    assert.ok(record.arguments['output-dir'].startsWith(outputRoot));
    for (const run of runs) await vscode.commands.executeCommand('reprolab.dismissRun', { kind: 'run', run });
  });
});
