import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';
import type { LaunchedRun } from '../../../src/vscode/runner';
import type { JobNode } from '../../../src/vscode/views/jobsTree';
import type { ComparePanel } from '../../../src/vscode/webviews/comparePanel';
import { loadServices } from '../../integration/services';
import { useTestCluster } from './testCluster';

describe('Scores of finished jobs, and runs compared', () => {
  let api: ReproLabApi;
  const services = loadServices();
  const folders: string[] = [];

  // Mocha runs after() hooks in the order they were added: the run folders go while the cluster is still set up.
  after(async () => {
    const host = api.hosts.hostFor('test', 'test-login');
    for (const folder of folders) await host.exec(['rm', '-rf', '--', folder]);
  });
  useTestCluster({ imageFolders: true });
  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
  });

  /** Runs the configuration on the cluster with a seed and waits until it has completed. */
  async function runWithSeed(seed: number): Promise<LaunchedRun> {
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'scores.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `image: ${services.images.lab}\ncluster: test\narguments:\n  input-dir: /tmp\n  random-state: ${seed}\ntarget:\n  type: local\n`);
    const run = await vscode.commands.executeCommand<LaunchedRun>('reprolab.run', vscode.Uri.file(file));
    folders.push(run.outputFolder);
    assert.deepStrictEqual(await run.finished, { state: 'COMPLETED', exitCode: 0 });
    return run;
  }
  const nodeOf = (run: LaunchedRun) => api.jobsTree.getChildren().find((n): n is Extract<JobNode, { kind: 'run' }> => n.kind === 'run' && n.run.id === run.id)!;

  it('shows the top 5 of a finished job when it is selected in the Jobs view', async () => {
    const run = await runWithSeed(0);
    await api.jobsView.reveal(nodeOf(run), { select: true, focus: true });
    let shown = api.scoresView.showing;
    for (let i = 0; i < 100 && shown?.target.folder !== run.outputFolder; i++) {
      await new Promise((r) => setTimeout(r, 100));
      shown = api.scoresView.showing;
    }
    assert.strictEqual(shown?.target.folder, run.outputFolder, 'the Scores view shows the selected job');
    assert.strictEqual(shown.error, undefined);
    const [accuracy] = shown.results!.scores.metrics;
    assert.strictEqual(accuracy.name, 'accuracy');
    assert.deepStrictEqual(accuracy.top.map((c) => c.rank), [1, 2, 3, 4, 5]);
    assert.strictEqual(accuracy.top[0].mean!.toFixed(4), '0.7024');
    assert.strictEqual(shown.results!.args?.random_state, 0);
  });

  it('compares three runs: the two seed-0 runs reproduced, seed 1 a different argument, and exports Markdown', async () => {
    const [first] = api.jobsTree.getChildren().filter((n) => n.kind === 'run' && n.run.name === 'scores (seed 0)');
    const again = await runWithSeed(0);
    const other = await runWithSeed(1);
    const nodes = [first, nodeOf(again), nodeOf(other)];
    const panel = await vscode.commands.executeCommand<ComparePanel>('reprolab.compareRuns', nodes[0], nodes);
    const c = panel.shown!;
    assert.strictEqual(c.runs.length, 3);
    assert.deepStrictEqual(c.reproducibility.map((r) => [r.runs.length, r.reproduced]), [[2, true]]);
    assert.deepStrictEqual(c.argumentDifferences.map((d) => [d.name, d.values]), [['random_state', [0, 0, 1]]]);
    const out = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'comparison.md'));
    await panel.exportMarkdown(out);
    const md = fs.readFileSync(out.fsPath, 'utf8');
    assert.match(md, /^## Comparison of 3 runs on accuracy/);
    assert.match(md, /\*\*reproduced\*\*/);
  });

  it('offers Show Top Scores above a cv_results.csv', async () => {
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'cv_results.csv');
    const host = api.hosts.hostFor('test', 'test-login');
    fs.writeFileSync(file, await host.readFile(`${folders[0]}/cv_results.csv`));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const lens = lenses.find((l) => l.command?.command === 'reprolab.showScores');
    assert.ok(lens, 'the CodeLens is there');
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.strictEqual(api.scoresView.showing?.target.folder, file);
    assert.strictEqual(api.scoresView.showing?.results?.scores.metrics[0].top.length, 5);
  });
});
