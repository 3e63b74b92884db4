import * as vscode from 'vscode';
import { defaultPullName, pullSpec } from '../core/apptainer/commands';
import { exploreHost, exploreImage, formatExplorePair } from '../core/apptainer/explore';
import { probeApptainer } from '../core/apptainer/probe';
import { describeInspection } from '../core/sif/describe';
import { runWithProgress } from './apptainerProgress';
import { CommandContext } from './commands';
import { RunFormPanel } from './webviews/runForm';
import { ImageNode, ImageLocation } from './views/imagesTree';

type ImageTreeNode = Extract<ImageNode, { kind: 'image' }>;

function requireImage(node: unknown): ImageTreeNode {
  const image = node as ImageTreeNode | undefined;
  if (image?.kind !== 'image') throw new Error('Pick an image in the Images view first.');
  return image;
}

/** The image commands of the Images view's context menu and title bar. */
export function imageCommands(ctx: CommandContext): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.inspectImage': async (node: unknown) => {
      const { location, image } = requireImage(node);
      const inspection = await ctx.imagesTree.inspect(location, image);
      const uri = ctx.imageDocuments.register(location.label, image.path, 'inspect.txt', describeInspection(inspection), 'plaintext');
      await vscode.window.showTextDocument(uri, { preview: false });
    },
    'reprolab.exploreImage': (node: unknown) => explore(ctx, requireImage(node)),
    'reprolab.copyImagePath': async (node: unknown) => {
      const { image } = requireImage(node);
      await vscode.env.clipboard.writeText(image.path);
      vscode.window.setStatusBarMessage(`Copied ${image.path}`, 3000);
    },
    'reprolab.revealImage': async (node: unknown) => {
      const { location, image } = requireImage(node);
      if (location.cluster) throw new Error(`${image.name} is on ${location.cluster}; only images on this machine can be revealed.`);
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(image.path));
    },
    'reprolab.deleteImage': async (node: unknown) => {
      const { location, image } = requireImage(node);
      const where = location.cluster ? ` on ${location.cluster}` : '';
      const choice = await vscode.window.showWarningMessage(`Delete ${image.name}${where}?`, { modal: true, detail: `${image.path} will be deleted. This cannot be undone.` }, 'Delete');
      if (choice !== 'Delete') return;
      await location.host().remove(image.path);
      ctx.log.info(`Deleted ${image.path}${where}`);
      ctx.imagesTree.refresh();
    },
    'reprolab.pullImage': () => pull(ctx),
    'reprolab.openRunForm': async (arg: unknown) => {
      if (arg instanceof vscode.Uri) return RunFormPanel.open(ctx, { configUri: arg });
      if (!arg) {
        const uri = vscode.window.activeTextEditor?.document.uri;
        if (uri && /\.reprolab\/runs\/[^/]+\.yaml$/.test(uri.path)) return RunFormPanel.open(ctx, { configUri: uri });
        throw new Error('Pick an image in the Images view, or open a run configuration (.reprolab/runs/*.yaml), then open the form.');
      }
      const { location, image } = requireImage(arg);
      return RunFormPanel.open(ctx, { host: location.host(), cluster: location.cluster, image: image.path, modified: image.modified.getTime() });
    },
  };
}

async function explore(ctx: CommandContext, node: ImageTreeNode): Promise<void> {
  const { location, image } = node;
  const host = location.host();
  const where = location.cluster ?? 'this machine';
  const [hostReport, imageReport] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exploring ${image.name} on ${where}`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return Promise.all([exploreHost(host, { signal: abort.signal, where }), exploreImage(host, image.path, { signal: abort.signal, where })]);
    },
  );
  const pair = formatExplorePair(hostReport, imageReport, { host: `${where} (host)`, image: `${image.name} (inside the image)` });
  const left = ctx.imageDocuments.register(location.label, image.path, 'explore/host.txt', pair.host, 'plaintext');
  const right = ctx.imageDocuments.register(location.label, image.path, 'explore/image.txt', pair.image, 'plaintext');
  await vscode.commands.executeCommand('vscode.diff', left, right, `${where} ↔ ${image.name}: ${pair.differing.length} packages differ`);
}

async function pull(ctx: CommandContext): Promise<void> {
  const locations = ctx.imagesTree.locations();
  if (!locations.length) throw new Error('Add an image folder first (on this machine, or in a cluster\'s imageFolders): the pulled image goes there.');
  const location = locations.length === 1 ? locations[0] : (await vscode.window.showQuickPick(locations.map((l) => ({ label: l.label, description: l.folders.join(', '), location: l })), { placeHolder: 'Pull the image where?' }))?.location;
  if (!location) return;
  const uri = await vscode.window.showInputBox({
    title: 'Pull Image',
    prompt: 'Image source',
    placeHolder: 'docker://python:3.12-slim, oras://ghcr.io/org/image:tag or library://user/collection/image:tag',
    ignoreFocusOut: true,
    validateInput: (value) => (/^(docker|oras|library):\/\/\S+$/.test(value.trim()) ? undefined : 'Start with docker://, oras:// or library://'),
  });
  if (!uri) return;
  const folder = location.folders.length === 1 ? location.folders[0] : await vscode.window.showQuickPick(location.folders, { placeHolder: 'Into which folder?' });
  if (!folder) return;
  const name = await vscode.window.showInputBox({
    title: 'Pull Image',
    prompt: `File name in ${folder}`,
    value: defaultPullName(uri.trim()),
    ignoreFocusOut: true,
    validateInput: (value) => (/^[^/\0]+\.sif$/.test(value) ? undefined : 'A file name ending in .sif'),
  });
  if (!name) return;
  await runPull(ctx, location, uri.trim(), `${folder.replace(/\/$/, '')}/${name}`);
}

async function runPull(ctx: CommandContext, location: ImageLocation, uri: string, target: string): Promise<void> {
  const host = location.host();
  let force = false;
  try {
    await host.stat(target);
    const replace = await vscode.window.showWarningMessage(`${target} already exists.`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return;
    force = true;
  } catch {
    // a new file
  }
  const apptainer = await probeApptainer(host);
  const spec = pullSpec(apptainer.binary, uri, target, { force });
  const output = vscode.window.createOutputChannel(`ReproLab: pull ${uri}`, { log: true });
  const status = await runWithProgress(host, spec.argv, `Pulling ${uri}`, output);
  spec.parse({ ...status, stdout: '' });
  ctx.log.info(`Pulled ${uri} to ${target}${location.cluster ? ` on ${location.cluster}` : ''}`);
  ctx.imagesTree.refresh();
  void vscode.window.showInformationMessage(`Pulled ${uri} to ${target}.`);
}
