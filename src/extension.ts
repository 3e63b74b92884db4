import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands';
import { Settings } from './vscode/settings';
import { ImagesTreeProvider } from './vscode/views/imagesTree';
import { ScoresViewProvider } from './vscode/webviews/scoresView';

/** What activate() returns: the services, for other extensions and the extension tests. */
export interface ReproLabApi {
  imagesTree: ImagesTreeProvider;
}

/** Composition root: builds the services once and wires views and commands to them. */
export function activate(context: vscode.ExtensionContext): ReproLabApi {
  const log = vscode.window.createOutputChannel('ReproLab', { log: true });
  const settings = new Settings();
  const imagesTree = new ImagesTreeProvider(settings, log);

  context.subscriptions.push(
    log,
    vscode.window.createTreeView('reprolab.images', { treeDataProvider: imagesTree, showCollapseAll: true }),
    // Jobs arrive with the Slurm poller; until then the view shows its welcome text.
    vscode.window.createTreeView('reprolab.jobs', { treeDataProvider: { getChildren: () => [], getTreeItem: (item: vscode.TreeItem) => item } }),
    vscode.window.registerWebviewViewProvider(ScoresViewProvider.viewId, new ScoresViewProvider()),
    settings.onDidChange(() => imagesTree.refresh()),
    ...registerCommands({ settings, log, imagesTree }),
  );

  for (const problem of settings.clusters().problems) log.warn(problem);
  log.info(`ReproLab ${context.extension.packageJSON.version} activated`);
  return { imagesTree };
}

export function deactivate(): void {}
