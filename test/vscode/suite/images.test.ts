import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';
import type { ImageNode } from '../../../src/vscode/views/imagesTree';
import { loadServices } from '../../integration/services';
import { useTestCluster } from './testCluster';

describe('Images view with real images on this machine and on the cluster', () => {
  let api: ReproLabApi;
  const label = (node: ImageNode) => String(api.imagesTree.getTreeItem(node).label);
  const find = async (parent: ImageNode | undefined, name: string) => {
    const children = await api.imagesTree.getChildren(parent);
    const found = children.find((c) => label(c) === name);
    assert.ok(found, `${name} among ${children.map(label).join(', ')}`);
    return found;
  };

  useTestCluster({ imageFolders: true });
  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
  });

  it('shows this machine and the cluster, each with its images, size, architecture and age', async () => {
    const roots = await api.imagesTree.getChildren();
    assert.deepStrictEqual(roots.map(label), ['This machine', 'test']);
    const local = await find(await find(roots[0], 'images'), 'singularity-e2e-busybox_amd64.sif');
    assert.match(String(api.imagesTree.getTreeItem(local).description), /^774 KiB · amd64 · /);
    const remoteFolder = await find(roots[1], 'images');
    const sifs = fs.readdirSync(loadServices().images.folder).filter((f) => f.endsWith('.sif'));
    assert.ok(sifs.length >= 3);
    assert.strictEqual(api.imagesTree.getTreeItem(remoteFolder).description, `${sifs.length} images`);
    const lab = await find(remoteFolder, 'lab.sif');
    assert.match(String(api.imagesTree.getTreeItem(lab).description), / · amd64 · (just now|\d+ (seconds?|minutes?|hours?) ago)$/);
    assert.strictEqual(api.imagesTree.getTreeItem(lab).contextValue, 'reprolab.image.remote');
  });

  it('expands an image into its definition file, labels, signature and partitions', async () => {
    const lab = await find(await find((await api.imagesTree.getChildren())[1], 'images'), 'lab.sif');
    const details = await api.imagesTree.getChildren(lab);
    const items = details.map((d) => api.imagesTree.getTreeItem(d));
    assert.deepStrictEqual(items.map((i) => i.label), ['Definition file', 'Runscript', 'Labels (2)', 'Environment (1)', 'Not signed', 'Partition 2']);
    assert.strictEqual(items[0].description, 'docker: busybox:1.36');
    const definition = await vscode.workspace.openTextDocument(items[0].command!.arguments![0] as vscode.Uri);
    assert.match(definition.getText(), /^Bootstrap: docker\nFrom: busybox:1.36\n/);
    const labels = await api.imagesTree.getChildren(details[2]);
    assert.deepStrictEqual(labels.map((l) => `${api.imagesTree.getTreeItem(l).label}=${api.imagesTree.getTreeItem(l).description}`), ['org.reprolab.lab=explore', 'maintainer=ReproLab tests']);
    const busybox = await find(await find((await api.imagesTree.getChildren())[0], 'images'), 'singularity-e2e-busybox_amd64.sif');
    const signed = (await api.imagesTree.getChildren(busybox)).map((d) => api.imagesTree.getTreeItem(d)).find((i) => i.label === 'Signed');
    assert.strictEqual(signed?.description, '1137E72E6816BFC06D9CAA0D15F3F4F4F14B03B2');
  });

  it('Explore opens a side-by-side diff of the cluster host and the image', async () => {
    const lab = await find(await find((await api.imagesTree.getChildren())[1], 'images'), 'lab.sif');
    await vscode.commands.executeCommand('reprolab.exploreImage', lab);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    assert.match(tab.label, /^test ↔ lab\.sif: \d+ packages differ$/);
    const left = (await vscode.workspace.openTextDocument(tab.input.original)).getText();
    const right = (await vscode.workspace.openTextDocument(tab.input.modified)).getText();
    assert.match(left, /^OS: {5}Debian GNU\/Linux 12/m);
    assert.match(right, /^OS: {5}ReproLab lab image \(busybox\)$/m);
    assert.match(right, /^scikit-learn==1\.5\.0$/m);
    assert.strictEqual(left.split('\n').length, right.split('\n').length);
  });

  it('Inspect opens a readable report of the image', async () => {
    const busybox = await find(await find((await api.imagesTree.getChildren())[0], 'images'), 'singularity-e2e-busybox_amd64.sif');
    await vscode.commands.executeCommand('reprolab.inspectImage', busybox);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^Primary Architecture: amd64$/m);
    assert.match(text, /^Metadata from: {2}inspect-metadata.json$/m);
  });
});
