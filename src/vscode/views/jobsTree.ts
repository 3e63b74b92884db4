import * as vscode from 'vscode';
import { age } from './imagesTree';

export type RunState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A run started from ReproLab on a host (the local target), as the Jobs view lists it. */
export interface TrackedRun {
  id: string;
  name: string;
  /** The cluster it runs on; undefined for this machine. */
  cluster?: string;
  where: string;
  outputFolder: string;
  state: RunState;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number | null;
}

const STORE_KEY = 'reprolab.runs';
const ICONS: Record<RunState, [string, string?]> = {
  RUNNING: ['sync~spin', 'charts.blue'],
  COMPLETED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  CANCELLED: ['circle-slash'],
};

/** The Jobs view: ReproLab's runs, newest first; finished ones stay listed until dismissed. */
export class JobsTreeProvider implements vscode.TreeDataProvider<TrackedRun> {
  private readonly changed = new vscode.EventEmitter<TrackedRun | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly live = new Map<string, { channel: vscode.OutputChannel; cancel: () => void }>();
  private runs: TrackedRun[];

  constructor(private readonly state: vscode.Memento) {
    // A run that was RUNNING when VS Code closed is no longer followed: its record says how it ended.
    this.runs = (state.get<TrackedRun[]>(STORE_KEY) ?? []).filter((r) => r.state !== 'RUNNING');
  }

  /** Starts listing a run; `finish` is called by the runner when it ends. */
  track(run: TrackedRun, channel: vscode.OutputChannel, cancel: () => void): void {
    this.runs.unshift(run);
    this.live.set(run.id, { channel, cancel });
    this.save();
  }

  finish(id: string, state: RunState, exitCode: number | null): void {
    const run = this.runs.find((r) => r.id === id);
    if (!run) return;
    Object.assign(run, { state, exitCode, finishedAt: new Date().toISOString() });
    this.save();
  }

  get(id: string): TrackedRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  channelOf(id: string): vscode.OutputChannel | undefined {
    return this.live.get(id)?.channel;
  }

  cancel(id: string): void {
    this.live.get(id)?.cancel();
  }

  dismiss(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id || r.state === 'RUNNING');
    this.live.get(id)?.channel.dispose();
    this.live.delete(id);
    this.save();
  }

  private save(): void {
    void this.state.update(STORE_KEY, this.runs.slice(0, 100));
    void vscode.commands.executeCommand('setContext', 'reprolab.hasRuns', this.runs.length > 0);
    this.changed.fire(undefined);
  }

  getChildren(run?: TrackedRun): TrackedRun[] {
    return run ? [] : [...this.runs];
  }

  getTreeItem(run: TrackedRun): vscode.TreeItem {
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = run.id;
    const [icon, color] = ICONS[run.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const exit = run.state === 'FAILED' && run.exitCode !== undefined && run.exitCode !== null ? ` (exit ${run.exitCode})` : '';
    item.description = `${run.state}${exit} · ${run.where} · ${age(new Date(run.startedAt))}`;
    item.tooltip = new vscode.MarkdownString(`**${run.name}** on ${run.where}\n\n${run.state}${exit}\n\nOutputs: \`${run.outputFolder}\`\n\nStarted ${new Date(run.startedAt).toLocaleString()}${run.finishedAt ? `, ended ${new Date(run.finishedAt).toLocaleString()}` : ''}`);
    item.contextValue = run.state === 'RUNNING' ? 'reprolab.run.running' : 'reprolab.run.finished';
    item.command = { title: 'Show Log', command: 'reprolab.showRunLog', arguments: [run] };
    return item;
  }
}
