import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { ReproLabApi } from '../../../src/extension';
import type { RunFormPanel } from '../../../src/vscode/webviews/runForm';
import type { ImageNode } from '../../../src/vscode/views/imagesTree';
import { loadServices } from '../../integration/services';
import { useTestCluster } from './testCluster';

describe('Run form from an image whose entry point prints the seed lab help', () => {
  let api: ReproLabApi;
  const services = loadServices();
  const label = (node: ImageNode) => String(api.imagesTree.getTreeItem(node).label);

  useTestCluster({ imageFolders: true });
  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
  });

  it('fills the form, saves the YAML, and reopening the YAML gives the same values', async () => {
    const cluster = (await api.imagesTree.getChildren()).find((n) => label(n) === 'test')!;
    const folder = (await api.imagesTree.getChildren(cluster))[0];
    const lab = (await api.imagesTree.getChildren(folder)).find((n) => label(n) === 'lab.sif')!;
    const form = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', lab);
    assert.ok(form, 'the form opened');
    const values = {
      input_dir: '/data/abide', output_dir: '/scratch/out', random_state: 0, scoring: ['f1', 'accuracy'],
      band_pass_filtering: false, mida: true, atlas: 'cc400', num_folds: 10,
    };
    await form.setValues(values);
    assert.deepStrictEqual(form.values, values);
    const uri = await form.save();
    assert.strictEqual(path.basename(uri.fsPath), 'lab.yaml');
    const saved = parse(fs.readFileSync(uri.fsPath, 'utf8'));
    assert.deepStrictEqual([saved.image, saved.cluster, saved.target], [services.images.lab, 'test', { type: 'local' }]);
    assert.deepStrictEqual(saved.arguments, { 'input-dir': '/data/abide', 'output-dir': '/scratch/out', atlas: 'cc400', 'band-pass-filtering': false, mida: true, scoring: ['f1', 'accuracy'], 'num-folds': 10, 'random-state': 0 });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const reopened = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', uri);
    assert.deepStrictEqual(reopened.values, values);
  });

  it('keeps comments and keys it does not edit when it saves again', async () => {
    const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'lab.yaml'));
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    fs.writeFileSync(uri.fsPath, text.replace('arguments:', '# the seed-0 baseline\narguments:') + 'environment:\n  OMP_NUM_THREADS: 2 # keep this\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const form = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', uri);
    await form.setValues({ random_state: 1 });
    await form.save();
    const after = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(after, /# the seed-0 baseline/);
    assert.match(after, /OMP_NUM_THREADS: 2 # keep this/);
    assert.match(after, /random-state: 1/);
  });

  it('refuses values the image does not take', async () => {
    const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'lab.yaml'));
    const form = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', uri);
    const before = form.values;
    await form.setValues({ atlas: 'not-an-atlas' });
    assert.deepStrictEqual(form.values, before);
  });

  it('warns when the output folder already holds results on the cluster', async () => {
    const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'lab.yaml'));
    const form = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', uri);
    // The images folder on the cluster holds files: as an output folder it would be overwritten.
    await form.setValues({ output_dir: services.images.folder });
    let warnings: string[] = [];
    for (let i = 0; i < 50 && !warnings.some((w) => /already holds results/.test(w)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      warnings = form.warnings;
    }
    assert.ok(warnings.some((w) => w.startsWith(`${services.images.folder} already holds results`)), warnings.join(' | '));
  });

  it('marks problems of a run configuration on their lines in the editor', async () => {
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'broken.yaml');
    fs.writeFileSync(file, 'image: lab.sif\ntarget:\n  type: pbs\nimgae: typo\n');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    let diagnostics: vscode.Diagnostic[] = [];
    for (let i = 0; i < 50 && diagnostics.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      diagnostics = vscode.languages.getDiagnostics(doc.uri);
    }
    assert.deepStrictEqual(diagnostics.map((d) => [d.range.start.line, d.message]), [
      [3, 'Unknown key "imgae" in the configuration: check its spelling (see the run configuration schema).'],
      [2, 'target.type must be one of "local", "slurm".'],
    ]);
  });

  it('runs the saved configuration on the cluster host and records it beside its outputs', async () => {
    const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'lab.yaml'));
    const form = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', uri);
    await form.setValues({ output_dir: undefined, random_state: 3 });
    const started = await form.run();
    const record = await started.finished;
    assert.strictEqual(record.exitCode, 0);
    assert.match(started.outputFolder, /^\/home\/tester\/reprolab-runs\/lab_seed-3_\d{8}-\d{6}$/);
    const host = api.hosts.hostFor('test', 'test-login');
    const log = (await host.readFile(`${started.outputFolder}/run.log`)).toString();
    assert.match(log, new RegExp(`^lab image running with: .*--random-state 3 .*--output-dir ${started.outputFolder}\\n$`));
    // The Jobs view lists the run with how it ended, and its log opens from there.
    const listed = api.jobsTree.getChildren().find((n) => n.kind === 'run' && n.run.outputFolder === started.outputFolder);
    assert.ok(listed?.kind === 'run', 'the run is in the Jobs view');
    assert.strictEqual(listed.run.state, 'COMPLETED');
    assert.match(String(api.jobsTree.getTreeItem(listed).description), /^COMPLETED · test · /);
    assert.strictEqual(api.jobsTree.getTreeItem(listed).label, 'lab (seed 3)');
    await vscode.commands.executeCommand('reprolab.showRunLog', listed);
    await vscode.commands.executeCommand('reprolab.dismissRun', listed);
    assert.ok(!api.jobsTree.getChildren().some((n) => n.kind === 'run' && n.run.id === listed.run.id));
    await host.exec(['rm', '-rf', '--', started.outputFolder]);
  });

  it('submits the configuration to Slurm from the form, follows it to COMPLETED and streams its log into an output channel', async () => {
    const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reprolab', 'runs', 'lab.yaml'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    fs.writeFileSync(uri.fsPath, text.replace('target:\n  type: local\n', `target:\n  type: slurm\n  slurm:\n    partition: ${services.slurm.partition}\n    time: "5:00"\n`));
    const form = await vscode.commands.executeCommand<RunFormPanel>('reprolab.openRunForm', uri);
    await form.setValues({ output_dir: undefined, random_state: 5 });
    const started = await form.run();
    assert.match(started.jobId ?? '', /^\d+$/, 'sbatch gave a job id');
    const listed = api.jobsTree.getChildren().find((n) => n.kind === 'run' && n.run.jobId === started.jobId);
    assert.ok(listed?.kind === 'run', 'the job is in the Jobs view at once');
    assert.match(String(api.jobsTree.getTreeItem(listed).description), new RegExp(`^(PENDING|RUNNING).* · test · job ${started.jobId} · `));
    const end = await started.finished;
    assert.deepStrictEqual(end, { state: 'COMPLETED', exitCode: 0 });
    const host = api.hosts.hostFor('test', 'test-login');
    const log = (await host.readFile(`${started.outputFolder}/slurm-${started.jobId}.out`)).toString();
    assert.match(log, new RegExp(`^lab image running with: .*--random-state 5 .*--output-dir ${started.outputFolder}\\n$`));
    assert.strictEqual(await api.jobsTree.followedLog(listed.run.id), log, 'the output channel got the job log');
    const record = JSON.parse((await host.readFile(`${started.outputFolder}/run.json`)).toString());
    assert.deepStrictEqual([record.jobId, record.state, record.exitCode], [started.jobId, 'COMPLETED', 0]);
    assert.match((await host.readFile(`${started.outputFolder}/job.sbatch`)).toString(), new RegExp(`^#!/bin/bash\n#SBATCH --job-name=lab\n#SBATCH --partition=${services.slurm.partition}\n`));
    await vscode.commands.executeCommand('reprolab.dismissRun', listed);
    await host.exec(['rm', '-rf', '--', started.outputFolder]);
  });
});
