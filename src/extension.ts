import * as vscode from 'vscode';
import { HostRegistry } from './core/host/registry';
import { registerCommands } from './vscode/commands';
import { NotebookServers } from './vscode/notebookCommands';
import { registerRunConfigDiagnostics } from './vscode/runConfigDiagnostics';
import { registerDefinitionDiagnostics } from './vscode/definitionDiagnostics';
import { registerSbatchDirectives } from './vscode/sbatchDirectives';
import { registerRequirementsCheck } from './vscode/requirementsCheck';
import { registerTextFixCommands } from './vscode/textDiagnostics';
import { ConnectionStatus } from './vscode/connectionStatus';
import { ImageDocuments } from './vscode/imageDocuments';
import { VsCodeSshPrompter } from './vscode/sshPrompter';
import { Settings } from './vscode/settings';
import { ImagesTreeProvider } from './vscode/views/imagesTree';
import { JobNode, JobsTreeProvider, stateText, TrackedRun } from './vscode/views/jobsTree';
import { jobsStatusItem } from './vscode/jobsStatus';
import { ScoresTarget, ScoresViewProvider } from './vscode/webviews/scoresView';
import { runTarget } from './vscode/scoresCommands';

/** What activate() returns: the services, for other extensions and the extension tests. */
export interface ReproLabApi {
  imagesTree: ImagesTreeProvider;
  jobsTree: JobsTreeProvider;
  jobsView: vscode.TreeView<JobNode>;
  hosts: HostRegistry;
  connectionStatus: ConnectionStatus;
  scoresView: ScoresViewProvider;
}

/** Composition root: builds the services once and wires views and commands to them. */
export function activate(context: vscode.ExtensionContext): ReproLabApi {
  const log = vscode.window.createOutputChannel('ReproLab', { log: true });
  const settings = new Settings();
  const connectionStatus = new ConnectionStatus();
  const hosts = new HostRegistry({
    prompter: new VsCodeSshPrompter(context.secrets, () => settings.rememberSecrets(), log),
    sshConfigFile: () => settings.sshConfigFile(),
    log: (line) => log.info(line),
    onStateChange: (cluster, state, error) => connectionStatus.setState(cluster, state, error),
  });
  const imageDocuments = new ImageDocuments();
  const clusterHost = (cluster: string | undefined) => {
    if (!cluster) return hosts.local;
    const setting = settings.clusters().clusters.find((c) => c.name === cluster);
    return setting ? hosts.hostFor(setting.name, setting.host) : undefined;
  };
  const jobsTree = new JobsTreeProvider(
    context.workspaceState,
    { hostOf: clusterHost, canPoll: (cluster) => !cluster || clusterHost(cluster) === hosts.local || hosts.sshHost(cluster)?.connectionState === 'connected' },
    () => Math.max(5, vscode.workspace.getConfiguration('reprolab').get<number>('refreshInterval', 30)) * 1000,
    log,
  );
  const jobsView = vscode.window.createTreeView('reprolab.jobs', { treeDataProvider: jobsTree, canSelectMany: true });
  jobsTree.attach(jobsView);
  const scoresView = new ScoresViewProvider(context.extensionUri, imageDocuments, log);
  const imagesTree = new ImagesTreeProvider(settings, hosts, imageDocuments, log);
  const commandContext = { settings, log, imagesTree, hosts, connectionStatus, imageDocuments, extensionUri: context.extensionUri, extensionVersion: String(context.extension.packageJSON.version), jobsTree, scoresView, secrets: context.secrets, notebooks: new NotebookServers() };
  const clustersChanged = () => {
    const { clusters, problems } = settings.clusters();
    for (const problem of problems) log.warn(problem);
    hosts.retain(clusters);
    connectionStatus.update(clusters);
    void vscode.commands.executeCommand('setContext', 'reprolab.clustersConfigured', clusters.length > 0);
  };

  context.subscriptions.push(
    log,
    vscode.window.createTreeView('reprolab.images', { treeDataProvider: imagesTree, showCollapseAll: true }),
    jobsView,
    jobsTree,
    jobsStatusItem(jobsTree),
    jobsTree.onDidFinishRun((run) => {
      notifyFinished(run);
      if (run.state === 'COMPLETED' && !run.tasks?.length) void showScoresIfAny(scoresView, runTarget(commandContext, run));
    }),
    vscode.window.registerWebviewViewProvider(ScoresViewProvider.viewId, scoresView, { webviewOptions: { retainContextWhenHidden: true } }),
    // Selecting one finished run shows its scores; a run that completes shows its own.
    jobsView.onDidChangeSelection(({ selection }) => {
      const [node] = selection;
      if (selection.length === 1 && (node.kind === 'run' || node.kind === 'task') && (node.kind === 'task' ? node.task.state : node.run.state) === 'COMPLETED' && !(node.kind === 'run' && node.run.tasks?.length)) {
        void showScoresIfAny(scoresView, runTarget(commandContext, node.run, node.kind === 'task' ? node.task : undefined));
      }
    }),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/cv_results*.csv' }, {
      provideCodeLenses: (doc) => [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(graph) Show Top Scores', command: 'reprolab.showScores', arguments: [doc.uri] })],
    }),
    connectionStatus,
    { dispose: () => void hosts.dispose() },
    settings.onDidChange(() => {
      imagesTree.refresh();
      clustersChanged();
      imagesTree.watchLocalFolders();
    }),
    imagesTree,
    imageDocuments.activate(),
    commandContext.notebooks,
    registerRunConfigDiagnostics(),
    registerTextFixCommands(),
    registerDefinitionDiagnostics(),
    registerSbatchDirectives(),
    registerRequirementsCheck(),
    ...registerCommands(commandContext),
  );

  clustersChanged();
  imagesTree.watchLocalFolders();
  log.info(`ReproLab ${context.extension.packageJSON.version} activated`);
  return { imagesTree, jobsTree, jobsView, hosts, connectionStatus, scoresView };
}

/** Shows a run's scores when its folder holds a cv_results.csv (a run of another kind has none). */
async function showScoresIfAny(scoresView: ScoresViewProvider, target: ScoresTarget): Promise<void> {
  const file = `${target.folder}/cv_results.csv`;
  if (await target.host.stat(file).then((s) => s.isFile, () => false)) await scoresView.show(target);
}

/** A finished run says so once, with what to do next. */
function notifyFinished(run: TrackedRun): void {
  const ok = run.state === 'COMPLETED';
  const show = ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const actions = [...(ok ? ['Show Scores'] : []), ...(run.configUri && !run.tasks?.length ? ['Run Again with Another Seed'] : []), 'Show Log'];
  void show(`${run.name} ${ok ? 'completed' : `ended ${stateText(run.state, run.exitCode)}`} on ${run.where}.`, ...actions).then((choice) => {
    if (choice === 'Show Scores') void vscode.commands.executeCommand('reprolab.showScores', { kind: 'run', run });
    if (choice === 'Show Log') void vscode.commands.executeCommand('reprolab.showRunLog', { kind: 'run', run });
    if (choice === 'Run Again with Another Seed') void vscode.commands.executeCommand('reprolab.rerunWithSeed', { kind: 'run', run });
  });
}

export function deactivate(): void {}
