import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';

const EXTENSION_ID = 'reprolab.reprolab';

describe('ReproLab in a real VS Code extension host', () => {
  let api: ReproLabApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<ReproLabApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.strictEqual(extension.isActive, false, 'nothing activates ReproLab before its views or commands are used');
    // Opening the container is what a user does first; it activates the extension through onView.
    await vscode.commands.executeCommand('workbench.view.extension.reprolab');
    for (let i = 0; i < 100 && !extension.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(extension.isActive, 'opening the ReproLab container activates the extension');
    api = extension.exports;
  });

  it('registers every command of the manifest', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.length >= 4);
    for (const id of contributed) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('contributes the Images, Jobs and Scores views', async () => {
    for (const view of ['reprolab.images', 'reprolab.jobs', 'reprolab.scores']) {
      await vscode.commands.executeCommand(`${view}.focus`);
    }
  });

  it('lists the real images of the workspace image folder', async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(workspace, 'the test workspace is open');
    const folders = await api.imagesTree.getChildren();
    assert.strictEqual(folders.length, 1);
    const folderItem = api.imagesTree.getTreeItem(folders[0]);
    assert.strictEqual(folderItem.label, 'images');
    assert.strictEqual(folderItem.tooltip, `${path.join(workspace, 'images')} on this machine`);
    assert.strictEqual(folderItem.description, '2 images');
    const images = await api.imagesTree.getChildren(folders[0]);
    const labels = images.map((node) => {
      const item = api.imagesTree.getTreeItem(node);
      return `${item.label} ${item.description}`;
    });
    assert.strictEqual(labels.length, 2);
    assert.match(labels[0], /^one-group\.sif 40 KiB · 386 · /);
    assert.match(labels[1], /^singularity-e2e-busybox_amd64\.sif 774 KiB · amd64 · /);
  });

  it('follows the image folder setting', async () => {
    const config = vscode.workspace.getConfiguration('reprolab');
    const before = config.get<string[]>('imageFolders');
    try {
      await config.update('imageFolders', ['/nonexistent/reprolab-images'], vscode.ConfigurationTarget.Workspace);
      const folders = await api.imagesTree.getChildren();
      const item = api.imagesTree.getTreeItem(folders[0]);
      assert.strictEqual(item.description, 'cannot be read');
      assert.match(String(item.tooltip), /does not exist: create it or remove it/);
    } finally {
      await config.update('imageFolders', before, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('runs its commands without error', async () => {
    await vscode.commands.executeCommand('reprolab.refreshImages');
    await vscode.commands.executeCommand('reprolab.showLog');
  });
});
