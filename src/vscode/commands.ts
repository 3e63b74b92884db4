import * as vscode from 'vscode';
import { HostError } from '../core/host/host';
import { HostRegistry } from '../core/host/registry';
import { ClusterSetting, LOCAL_HOST } from '../core/settings/clusters';
import { ConnectionStatus } from './connectionStatus';
import { imageCommands } from './imageCommands';
import { ImageDocuments } from './imageDocuments';
import { Settings } from './settings';
import { ImagesTreeProvider } from './views/imagesTree';
import { jobCommands } from './jobCommands';
import { scoresCommands } from './scoresCommands';
import { notebookCommands, NotebookServers } from './notebookCommands';
import { requirementsCommands } from './requirementsCheck';
import { buildCommands } from './buildCommands';
import { publishCommands } from './publishCommands';
import { ScoresViewProvider } from './webviews/scoresView';
import { JobsTreeProvider } from './views/jobsTree';

/** What every command needs: the services built once in extension.ts. */
export interface CommandContext {
  settings: Settings;
  log: vscode.LogOutputChannel;
  imagesTree: ImagesTreeProvider;
  hosts: HostRegistry;
  connectionStatus: ConnectionStatus;
  imageDocuments: ImageDocuments;
  extensionUri: vscode.Uri;
  extensionVersion: string;
  jobsTree: JobsTreeProvider;
  scoresView: ScoresViewProvider;
  secrets: vscode.SecretStorage;
  notebooks: NotebookServers;
}

/** Registers ReproLab's commands; each is a small function of the shared context. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const commands: Record<string, (...args: never[]) => unknown> = {
    'reprolab.refreshImages': () => ctx.imagesTree.refresh(),
    'reprolab.addImageFolder': () => addImageFolder(ctx),
    'reprolab.openSettings': () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:reprolab.reprolab'),
    'reprolab.showLog': () => ctx.log.show(),
    'reprolab.connect': (cluster?: unknown) => connect(ctx, typeof cluster === 'string' ? cluster : undefined),
    'reprolab.disconnect': (cluster?: unknown) => disconnect(ctx, typeof cluster === 'string' ? cluster : undefined),
    ...imageCommands(ctx),
    ...jobCommands(ctx),
    ...scoresCommands(ctx),
    ...notebookCommands(ctx),
    ...requirementsCommands(ctx),
    ...buildCommands(ctx),
    ...publishCommands(),
  };
  return Object.entries(commands).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...(args as never[]));
      } catch (err) {
        // The user gets one sentence; the detail goes to the log channel.
        if ((err instanceof HostError && err.kind === 'cancelled') || err instanceof vscode.CancellationError) return;
        // Expected failures (a host, an image) are already one sentence; only bugs need a stack.
        const expected = err instanceof Error && ['HostError', 'SifError', 'ApptainerError'].includes(err.name);
        ctx.log.error(`${id} failed: ${expected ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        const message = err instanceof Error ? err.message : String(err);
        // Not awaited: the command is over; the message stays until the user dismisses it.
        void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
          if (choice === 'Show Log') ctx.log.show();
        });
      }
    }),
  );
}

async function addImageFolder(ctx: CommandContext): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Add Image Folder',
    title: 'Folder that holds Apptainer .sif images',
  });
  const folder = picked?.[0];
  if (!folder) return;
  if (ctx.settings.localImageFolders().includes(folder.fsPath)) {
    void vscode.window.showInformationMessage(`${folder.fsPath} is already an image folder.`);
    return;
  }
  await ctx.settings.addLocalImageFolder(folder.fsPath);
  ctx.log.info(`Added image folder ${folder.fsPath}`);
  ctx.imagesTree.refresh();
}

/** Picks an SSH cluster: the one named, the only one, or one the user chooses. */
async function pickSshCluster(ctx: CommandContext, name: string | undefined, placeHolder: string): Promise<ClusterSetting | undefined> {
  const clusters = ctx.settings.clusters().clusters.filter((c) => c.host !== LOCAL_HOST);
  if (name) {
    const named = clusters.find((c) => c.name === name);
    if (!named) throw new Error(`No SSH cluster is named "${name}": add it to the reprolab.clusters setting.`);
    return named;
  }
  if (clusters.length === 0) {
    const open = 'Open Settings';
    const local = ctx.settings.clusters().clusters.filter((c) => c.host === LOCAL_HOST).map((c) => c.name);
    const message = local.length
      ? `${local.map((n) => `"${n}"`).join(', ')} ${local.length === 1 ? 'runs' : 'run'} on this machine (host: local), so there is nothing to connect: its images and jobs are already here. To use a cluster over SSH, add its host alias to the reprolab.clusters setting.`
      : 'No cluster is set up yet: add one with its SSH host alias to the reprolab.clusters setting.';
    const choice = await vscode.window.showInformationMessage(message, open);
    if (choice === open) await vscode.commands.executeCommand('reprolab.openSettings');
    return undefined;
  }
  if (clusters.length === 1) return clusters[0];
  const picked = await vscode.window.showQuickPick(
    clusters.map((c) => ({ label: c.name, description: c.host, detail: ctx.connectionStatus.stateOf(c.name), cluster: c })),
    { placeHolder },
  );
  return picked?.cluster;
}

async function connect(ctx: CommandContext, name?: string): Promise<void> {
  const cluster = await pickSshCluster(ctx, name, 'Connect to which cluster?');
  if (!cluster) return;
  const host = ctx.hosts.hostFor(cluster.name, cluster.host);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Connecting to ${cluster.name}`, cancellable: true },
    async (_progress, token) => {
      const sshHost = ctx.hosts.sshHost(cluster.name);
      token.onCancellationRequested(() => void sshHost?.disconnect());
      await sshHost?.connect();
    },
  );
  ctx.log.info(`Connected to ${cluster.name} (${host.name})`);
}

async function disconnect(ctx: CommandContext, name?: string): Promise<void> {
  const cluster = await pickSshCluster(ctx, name, 'Disconnect from which cluster?');
  if (!cluster) return;
  await ctx.hosts.sshHost(cluster.name)?.disconnect();
  ctx.log.info(`Disconnected from ${cluster.name}`);
}
