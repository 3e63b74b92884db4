import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';
import type { OpenedNotebook } from '../../../src/vscode/notebookCommands';
import { loadServices } from '../../integration/services';
import { fixture } from '../../paths';
import { useTestCluster } from './testCluster';

describe('Open LLM Extraction Notebook', function () {
  this.timeout(240000);
  let api: ReproLabApi;
  const services = loadServices();
  const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const pdf = fixture('alloy-extraction', 'dummy_alloy_paper.pdf');
  const notebookConfig = () => vscode.workspace.getConfiguration('reprolab.notebook');

  useTestCluster();
  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
    // The test cluster has no GPUs.
    await notebookConfig().update('gpus', '', vscode.ConfigurationTarget.Workspace);
    await notebookConfig().update('partition', services.slurm.partition, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('reprolab.setHuggingFaceToken', 'hf_reprolabVscodeTierToken');
  });
  after(async () => {
    await notebookConfig().update('gpus', undefined, vscode.ConfigurationTarget.Workspace);
    await notebookConfig().update('partition', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('on this machine: writes the notebook and the PDF into the workspace and opens it in the notebook editor', async () => {
    const opened = await vscode.commands.executeCommand<OpenedNotebook>('reprolab.openLlmNotebook', { target: 'local', pdfs: [pdf] });
    assert.strictEqual(opened.uri.fsPath, path.join(workspace(), 'alloy-extraction.ipynb'));
    const editor = vscode.window.activeNotebookEditor;
    assert.ok(editor, 'a notebook editor is open');
    assert.strictEqual(editor.notebook.uri.toString(), opened.uri.toString());
    assert.strictEqual(editor.notebook.notebookType, 'jupyter-notebook');
    const parameters = editor.notebook.getCells().find((c) => (c.metadata.metadata?.tags ?? c.metadata.tags ?? []).includes('parameters'));
    assert.ok(parameters, 'the parameters cell is there, with its tag');
    assert.match(parameters.document.getText(), /^PDF_PATHS = \["papers\/dummy_alloy_paper\.pdf"\]/m);
    assert.match(parameters.document.getText(), /^MODEL_ID = "meta-llama\/Llama-3\.2-3B-Instruct"/m);
    assert.deepStrictEqual(fs.readFileSync(path.join(workspace(), 'papers', 'dummy_alloy_paper.pdf')), fs.readFileSync(pdf));
    assert.ok(!fs.readFileSync(opened.uri.fsPath, 'utf8').includes('hf_reprolabVscodeTierToken'), 'the token is not in the notebook');
  });

  it('on a cluster: starts Jupyter in the image as a Slurm job, lists it in the Jobs view, and opens the notebook from the server', async () => {
    const opened = await vscode.commands.executeCommand<OpenedNotebook>('reprolab.openLlmNotebook', { target: 'test', pdfs: [pdf], image: services.images.notebook });
    assert.ok(opened.jobId, 'a Slurm job runs the server');
    try {
      assert.strictEqual(opened.uri.toString(), `reprolab-jupyter://slurm-${opened.jobId}.test/alloy-extraction.ipynb`);
      const editor = vscode.window.activeNotebookEditor;
      assert.ok(editor);
      assert.strictEqual(editor.notebook.uri.toString(), opened.uri.toString());
      const source = editor.notebook.getCells().map((c) => c.document.getText()).join('\n');
      assert.match(source, /^PDF_PATHS = \["\/home\/tester\/reprolab-jupyter\/[0-9-]+\/notebooks\/papers\/dummy_alloy_paper\.pdf"\]/m);
      assert.match(source, /pipeline\("text-generation"/);
      assert.strictEqual(opened.kernel?.kernelName, 'python3', 'a kernel started on the server');
      assert.match(opened.kernel?.python ?? '', /^3\.11\./);
      // Saving writes through the server's contents API, back to the cluster.
      const edit = new vscode.WorkspaceEdit();
      edit.set(editor.notebook.uri, [vscode.NotebookEdit.insertCells(0, [new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# saved from VS Code', 'markdown')])]);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await editor.notebook.save());
      const host = api.hosts.hostFor('test', 'test-login');
      const run = api.jobsTree.get(opened.runId!);
      assert.ok(run, 'the server is a job in the Jobs view');
      assert.strictEqual(run.jobId, opened.jobId);
      const saved = (await host.readFile(`${run.outputFolder}/notebooks/alloy-extraction.ipynb`)).toString('utf8');
      assert.match(saved, /# saved from VS Code/);
      assert.ok(!saved.includes('hf_reprolabVscodeTierToken'));
      // Stop, as the Jobs view's Cancel does: the job ends and the server's files go with it.
      await api.jobsTree.cancel(run);
      assert.strictEqual((await api.jobsTree.whenFinished(run.id)).state, 'CANCELLED');
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(opened.uri)), /stopped/);
      const grep = await host.exec(['grep', '-rlF', '--', 'hf_reprolabVscodeTierToken', run.outputFolder]);
      assert.strictEqual(grep.code, 1, `no file of the job holds the token: ${grep.stdout}`);
      await host.exec(['rm', '-rf', '--', run.outputFolder]);
    } finally {
      await api.hosts.hostFor('test', 'test-login').exec(['scancel', opened.jobId]);
    }
  });
});
