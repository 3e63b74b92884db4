import * as vscode from 'vscode';
import { Host, HostError } from '../../core/host/host';
import { cancelLocalRun, localRunStatus } from '../../core/runs/localRun';
import { RunRecord } from '../../core/runs/outputFolder';
import { isFinished, JobState } from '../../core/slurm/jobs';
import { followLog } from '../../core/slurm/logFollower';
import { LogLines } from '../../core/slurm/logLines';
import { JobPoller, SlurmJob } from '../../core/slurm/poller';
import { cancelJob } from '../../core/slurm/submit';
import { age } from './imagesTree';

/** One task of a seed sweep (a Slurm array task). */
export interface TrackedTask {
  jobId: string;
  seed: number | null;
  outputFolder: string;
  logPath: string;
  state: JobState;
  exitCode?: number | null;
  reason?: string;
}

/** A run started from ReproLab: directly on a host (`local`) or as a Slurm job. */
export interface TrackedRun {
  id: string;
  name: string;
  target: 'local' | 'slurm';
  /** The cluster it runs on; undefined for this machine. */
  cluster?: string;
  where: string;
  /** The run configuration it came from, as a URI string. */
  configUri?: string;
  outputFolder: string;
  state: JobState;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number | null;
  jobId?: string;
  /** The process group of a run started directly on its host. */
  pid?: number;
  logPath?: string;
  reason?: string;
  nodes?: string;
  elapsed?: string;
  timeLimit?: string;
  tasks?: TrackedTask[];
}

export interface RunEnd {
  state: JobState;
  exitCode: number | null;
}

export type JobNode =
  | { kind: 'run'; run: TrackedRun }
  | { kind: 'task'; run: TrackedRun; task: TrackedTask }
  | { kind: 'others'; cluster: string; where: string; jobs: SlurmJob[] }
  | { kind: 'job'; cluster: string; where: string; job: SlurmJob };

const STORE_KEY = 'reprolab.runs';
const ICONS: Partial<Record<JobState, [string, string?]>> = {
  PENDING: ['watch', 'charts.yellow'],
  RUNNING: ['sync~spin', 'charts.blue'],
  COMPLETING: ['sync~spin', 'charts.blue'],
  COMPLETED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  CANCELLED: ['circle-slash'],
  TIMEOUT: ['clock', 'testing.iconFailed'],
  OUT_OF_MEMORY: ['warning', 'testing.iconFailed'],
  NODE_FAIL: ['debug-disconnect', 'testing.iconFailed'],
  PREEMPTED: ['debug-pause', 'charts.orange'],
};

/** Where the Jobs view finds a cluster's host; undefined when it should not be reached now. */
export interface JobsHosts {
  hostOf(cluster: string | undefined): Host | undefined;
  /** Whether polling this cluster needs no login (connected, or this machine). */
  canPoll(cluster: string | undefined): boolean;
}

/**
 * The Jobs view: ReproLab's runs first (newest first, finished ones kept until dismissed), each
 * Slurm cluster's other jobs below. Slurm state comes from one JobPoller per cluster, refreshed
 * only while the view is visible and the window focused.
 */
export class JobsTreeProvider implements vscode.TreeDataProvider<JobNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly finishedRun = new vscode.EventEmitter<TrackedRun>();
  /** A run (local or Slurm) has ended. */
  readonly onDidFinishRun = this.finishedRun.event;
  private readonly live = new Map<string, { channel: vscode.OutputChannel; follow?: AbortController; transcript: string }>();
  private readonly waiters = new Map<string, ((end: RunEnd) => void)[]>();
  /** One poller per cluster, with the Host it polls through (replaced when the cluster's Host is). */
  private readonly pollers = new Map<string, { host: Host; poller: JobPoller }>();
  private readonly others = new Map<string, SlurmJob[]>();
  private runs: TrackedRun[];
  private timer?: NodeJS.Timeout;
  private view?: vscode.TreeView<JobNode>;
  private disposables: vscode.Disposable[] = [];
  lastError?: string;

  constructor(
    private readonly state: vscode.Memento,
    private readonly hosts: JobsHosts,
    private readonly intervalMs: () => number,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Runs go on without VS Code (Slurm jobs, and local runs in their own process group), so the
    // ones that were active are watched again.
    this.runs = (state.get<TrackedRun[]>(STORE_KEY) ?? [])
      .map((r) => ({ ...r, target: r.target ?? 'local' }))
      .filter((r) => r.target === 'slurm' || r.pid || !isActive(r.state));
    for (const run of this.runs) if (run.target === 'slurm' && isActive(run.state)) this.pollerFor(run.cluster)?.watch(run.jobId!);
  }

  /** Shows the tree in a view and refreshes while it is visible and the window has focus. */
  attach(view: vscode.TreeView<JobNode>): void {
    this.view = view;
    this.disposables.push(
      view.onDidChangeVisibility(() => this.schedule(0)),
      vscode.window.onDidChangeWindowState(() => this.schedule(0)),
    );
    this.schedule(0);
  }

  // --- what the runner tells the view ----------------------------------------------------------

  /** Lists a run just started: a Slurm job (with jobId) or a background run on its host (with pid). */
  track(run: Omit<TrackedRun, 'id' | 'state' | 'target' | 'startedAt'>): TrackedRun {
    const target = run.jobId ? 'slurm' : 'local';
    const id = `${run.cluster ?? 'local'}:${run.jobId ?? `pid-${run.pid}:${run.outputFolder}`}`;
    const tracked: TrackedRun = { ...run, id, target, state: target === 'slurm' ? 'PENDING' : 'RUNNING', startedAt: new Date().toISOString() };
    this.runs.unshift(tracked);
    if (run.jobId) this.pollerFor(run.cluster)?.watch(run.jobId);
    this.save();
    void this.view?.reveal({ kind: 'run', run: tracked }, { select: true, focus: false }).then(undefined, () => undefined);
    this.schedule(0);
    return tracked;
  }

  /** Resolves when the run has ended (at once if it has). */
  whenFinished(id: string): Promise<RunEnd> {
    const run = this.get(id);
    if (run && !isActive(run.state)) return Promise.resolve({ state: run.state, exitCode: run.exitCode ?? null });
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  get(id: string): TrackedRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** Running and pending runs, for the status bar. */
  counts(): { running: number; pending: number } {
    const states = this.runs.flatMap((r) => (r.tasks?.length ? r.tasks.map((t) => t.state) : [r.state]));
    return { running: states.filter((s) => s === 'RUNNING' || s === 'COMPLETING').length, pending: states.filter((s) => s === 'PENDING').length };
  }

  // --- actions ---------------------------------------------------------------------------------

  /** Stops a run: its process group on the host, or `scancel` of the job or task. */
  async cancel(run: TrackedRun, task?: TrackedTask): Promise<void> {
    const host = this.requireHost(run.cluster);
    if (run.target === 'local') await cancelLocalRun(host, run.pid!);
    else await cancelJob(host, task?.jobId ?? run.jobId!);
    await this.refresh();
  }

  /** `scancel` of a job that ReproLab did not start. */
  async cancelOther(cluster: string, job: SlurmJob): Promise<void> {
    await cancelJob(this.requireHost(cluster === 'local' ? undefined : cluster), job.id);
    await this.refresh();
  }

  dismiss(id: string): void {
    const run = this.get(id);
    if (!run) return;
    this.runs = this.runs.filter((r) => r.id !== id);
    const live = this.live.get(id);
    live?.follow?.abort();
    live?.channel.dispose();
    this.live.delete(id);
    this.save();
  }

  /**
   * Follows a run's log (or one task's) into an output channel: it waits while the job is
   * pending, reads only new bytes, resumes after a dropped connection, and stops when the job ends.
   */
  followLog(id: string, task?: TrackedTask): vscode.OutputChannel {
    const run = this.get(id);
    if (!run) throw new Error('That run is no longer in the Jobs view.');
    const key = task ? `${id}#${task.jobId}` : id;
    const existing = this.live.get(key);
    if (existing) {
      existing.channel.show(true);
      return existing.channel;
    }
    const logPath = task?.logPath ?? run.logPath;
    if (!logPath) throw new Error(`${run.name} is a seed sweep: open the log of one of its seeds.`);
    const host = this.requireHost(run.cluster);
    const channel = vscode.window.createOutputChannel(`ReproLab: ${run.name}${task ? ` seed ${task.seed}` : ''}${run.jobId ? ` (job ${task?.jobId ?? run.jobId})` : ` on ${run.where}`}`);
    const follow = new AbortController();
    const live: { channel: vscode.OutputChannel; follow?: AbortController; transcript: string } = { channel, follow, transcript: '' };
    this.live.set(key, live);
    channel.appendLine(`[ReproLab] following ${logPath} on ${run.where}`);
    channel.show(true);
    const lines = new LogLines((text) => {
      channel.append(text);
      // The channel's text cannot be read back through the API; the transcript can (bounded).
      live.transcript = (live.transcript + text).slice(-1 << 20);
    });
    followLog(host, logPath, {
      onData: (chunk) => lines.push(chunk),
      onWait: (why) => {
        channel.appendLine(why === 'no-file' ? `[ReproLab] waiting for the job to start and write its log...` : `[ReproLab] the connection to ${run.where} dropped; resuming where the log left off once it is back...`);
      },
      jobEnded: () => !isActive((task ?? run).state),
      signal: follow.signal,
    }).then(
      () => {
        lines.flush();
        const ended = task ?? run;
        if (!follow.signal.aborted) channel.appendLine(`[ReproLab] ${run.jobId ? `job ${task?.jobId ?? run.jobId}` : 'the run'} ${describeEnd(ended.state, ended.exitCode)}; outputs in ${task?.outputFolder ?? run.outputFolder}`);
      },
      (err: Error) => {
        lines.flush();
        channel.appendLine(`[ReproLab] ${err.message}`);
      },
    ).finally(() => delete live.follow);
    return channel;
  }

  /** The log lines a followed job's channel has received, once following has ended; for tests and the CLI. */
  async followedLog(id: string, task?: TrackedTask): Promise<string | undefined> {
    const live = this.live.get(task ? `${id}#${task.jobId}` : id);
    while (live?.follow) await new Promise((r) => setTimeout(r, 100));
    return live?.transcript;
  }

  // --- refresh ---------------------------------------------------------------------------------

  /** Polls every cluster with runs to watch now; concurrent calls share each cluster's call. */
  async refresh(): Promise<void> {
    const clusters = new Set(this.runs.filter((r) => r.target === 'slurm' || isActive(r.state)).map((r) => r.cluster ?? 'local'));
    const errors: string[] = [];
    await Promise.all([...clusters].map((cluster) => this.refreshCluster(cluster).catch((err: Error) => {
      errors.push(err.message);
      this.log.warn(`Jobs on ${cluster}: ${err.message}`);
    })));
    this.lastError = errors[0];
    if (this.view) this.view.message = this.lastError;
    this.save();
  }

  private async refreshCluster(cluster: string): Promise<void> {
    const name = cluster === 'local' ? undefined : cluster;
    const mine = this.runs.filter((r) => (r.cluster ?? 'local') === cluster);
    const active = mine.filter((r) => isActive(r.state));
    // A cluster that needs a login is polled only while it is connected or has runs to watch.
    if (!active.length && !this.hosts.canPoll(name)) return;
    const host = this.hosts.hostOf(name);
    if (!host) return;
    const local = active.filter((r) => r.target === 'local' && r.pid);
    if (local.length) {
      const statuses = await localRunStatus(host, local.map((r) => ({ outputFolder: r.outputFolder, pid: r.pid! })));
      statuses.forEach((status, i) => {
        if (status.state !== 'RUNNING') this.end(local[i], status.state, 'exitCode' in status ? status.exitCode : null);
      });
    }
    if (!mine.some((r) => r.target === 'slurm')) return;
    const snapshot = await this.pollerFor(name)!.refresh();
    this.apply(cluster, [...snapshot.queued, ...snapshot.finished]);
    const ours = new Set(this.runs.flatMap((r) => [r.jobId, ...(r.tasks ?? []).map((t) => t.jobId)]));
    this.others.set(cluster, snapshot.queued.filter((j) => !ours.has(j.id) && !ours.has(j.arrayJobId)));
  }

  private apply(cluster: string, jobs: SlurmJob[]): void {
    const byId = new Map(jobs.map((j) => [j.id, j]));
    for (const run of this.runs) {
      if (run.target !== 'slurm' || (run.cluster ?? 'local') !== cluster || !isActive(run.state)) continue;
      if (run.tasks?.length) {
        for (const task of run.tasks) {
          const job = byId.get(task.jobId);
          if (job && isActive(task.state)) Object.assign(task, { state: job.state, reason: job.reason, ...(job.exitCode !== undefined ? { exitCode: job.exitCode } : {}) });
        }
        const states = run.tasks.map((t) => t.state);
        if (states.every((s) => !isActive(s))) {
          const failed = run.tasks.find((t) => t.state !== 'COMPLETED');
          this.end(run, failed ? failed.state : 'COMPLETED', failed?.exitCode ?? 0);
        } else {
          run.state = states.includes('RUNNING') ? 'RUNNING' : 'PENDING';
        }
        continue;
      }
      const job = byId.get(run.jobId!);
      if (!job) continue;
      Object.assign(run, { reason: job.reason, nodes: job.nodes ?? run.nodes, elapsed: job.elapsed ?? run.elapsed, timeLimit: job.timeLimit ?? run.timeLimit });
      if (isFinished(job.state)) this.end(run, job.state, job.exitCode ?? null);
      else run.state = job.state;
    }
  }

  private end(run: TrackedRun, state: JobState, exitCode: number | null): void {
    Object.assign(run, { state, exitCode, finishedAt: new Date().toISOString() });
    this.ended(run);
    void this.recordEnd(run);
  }

  /** The record beside the outputs gets how the run ended. */
  private async recordEnd(run: TrackedRun): Promise<void> {
    const host = this.hosts.hostOf(run.cluster);
    if (!host) return;
    for (const [folder, state, exitCode] of run.tasks?.length ? run.tasks.map((t) => [t.outputFolder, t.state, t.exitCode] as const) : [[run.outputFolder, run.state, run.exitCode] as const]) {
      try {
        const record = JSON.parse((await host.readFile(`${folder}/run.json`)).toString()) as RunRecord & { state?: string };
        await host.writeFile(`${folder}/run.json`, JSON.stringify({ ...record, state, exitCode: exitCode ?? null, finishedAt: run.finishedAt }, null, 2) + '\n');
      } catch (err) {
        this.log.warn(`Could not add how ${run.name} ended to ${folder}/run.json: ${(err as Error).message}`);
      }
    }
  }

  private ended(run: TrackedRun): void {
    for (const resolve of this.waiters.get(run.id) ?? []) resolve({ state: run.state, exitCode: run.exitCode ?? null });
    this.waiters.delete(run.id);
    this.finishedRun.fire(run);
  }

  private schedule(delayMs = this.intervalMs()): void {
    clearTimeout(this.timer);
    const polling = this.runs.some((r) => r.target === 'slurm' || isActive(r.state));
    // Nothing polls while nobody looks, except runs being waited on (a followed log, a test).
    const looking = (this.view?.visible ?? false) && vscode.window.state.focused;
    if (!polling || (!looking && !this.waiters.size && ![...this.live.values()].some((l) => l.follow))) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => {
        const backoff = Math.max(...[...this.pollers.values()].map((p) => p.poller.nextDelay(this.intervalMs())), this.waiters.size ? 2000 : this.intervalMs());
        this.schedule(this.waiters.size || [...this.live.values()].some((l) => l.follow) ? Math.min(backoff, 2000) : backoff);
      });
    }, delayMs);
  }

  private pollerFor(cluster: string | undefined): JobPoller | undefined {
    const key = cluster ?? 'local';
    const host = this.hosts.hostOf(cluster);
    if (!host) return undefined;
    let entry = this.pollers.get(key);
    // A cluster whose settings changed, or that was disconnected, has a new Host: poll through that one.
    if (entry?.host !== host) {
      entry = { host, poller: new JobPoller(host) };
      this.pollers.set(key, entry);
    }
    return entry.poller;
  }

  /** The host a run's files are on. */
  runHost(run: TrackedRun): Host {
    return this.requireHost(run.cluster);
  }

  private requireHost(cluster: string | undefined): Host {
    const host = this.hosts.hostOf(cluster);
    if (!host) throw new HostError('config', `${cluster} is no longer in the reprolab.clusters setting: add it back to reach its jobs.`);
    return host;
  }

  private save(): void {
    void this.state.update(STORE_KEY, this.runs.slice(0, 200));
    void vscode.commands.executeCommand('setContext', 'reprolab.hasRuns', this.runs.length > 0);
    this.changed.fire(undefined);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const live of this.live.values()) live.follow?.abort();
    this.disposables.forEach((d) => d.dispose());
  }

  // --- the tree --------------------------------------------------------------------------------

  getChildren(node?: JobNode): JobNode[] {
    if (!node) {
      const others = [...this.others].filter(([, jobs]) => jobs.length).map(([cluster, jobs]): JobNode => ({ kind: 'others', cluster, where: cluster === 'local' ? 'this machine' : cluster, jobs }));
      return [...this.runs.map((run): JobNode => ({ kind: 'run', run })), ...others];
    }
    if (node.kind === 'run') return (node.run.tasks ?? []).map((task) => ({ kind: 'task', run: node.run, task }));
    if (node.kind === 'others') return node.jobs.map((job) => ({ kind: 'job', cluster: node.cluster, where: node.where, job }));
    return [];
  }

  getParent(node: JobNode): JobNode | undefined {
    return node.kind === 'task' ? { kind: 'run', run: node.run } : undefined;
  }

  getTreeItem(node: JobNode): vscode.TreeItem {
    switch (node.kind) {
      case 'run':
        return this.runItem(node.run);
      case 'task': {
        const { task, run } = node;
        const item = new vscode.TreeItem(`seed ${task.seed}`, vscode.TreeItemCollapsibleState.None);
        item.id = `${run.id}#${task.jobId}`;
        item.iconPath = stateIcon(task.state);
        item.description = `${stateText(task.state, task.exitCode, task.reason)} · job ${task.jobId}`;
        item.tooltip = `${task.outputFolder}\nlog: ${task.logPath}`;
        item.contextValue = `reprolab.task.${isActive(task.state) ? 'active' : 'finished'}`;
        item.command = { title: 'Show Job Log', command: 'reprolab.showRunLog', arguments: [node] };
        return item;
      }
      case 'others': {
        const item = new vscode.TreeItem(`Other jobs on ${node.where}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `others:${node.cluster}`;
        item.description = `${node.jobs.length}`;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        return item;
      }
      case 'job': {
        const { job } = node;
        const item = new vscode.TreeItem(job.name || job.id, vscode.TreeItemCollapsibleState.None);
        item.id = `job:${node.cluster}:${job.id}`;
        item.iconPath = stateIcon(job.state);
        item.description = `${job.id} · ${stateText(job.state, job.exitCode, job.reason)}${job.elapsed ? ` · ${job.elapsed}${job.timeLimit ? ` / ${job.timeLimit}` : ''}` : ''}`;
        item.tooltip = `${job.id} ${job.name} (${job.user}) on ${job.partition}${job.nodes ? `, ${job.nodes}` : ''}${job.stdout ? `\nlog: ${job.stdout}` : ''}`;
        item.contextValue = `reprolab.job.${isActive(job.state) ? 'active' : 'finished'}`;
        return item;
      }
    }
  }

  private runItem(run: TrackedRun): vscode.TreeItem {
    const item = new vscode.TreeItem(run.name, run.tasks?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = run.id;
    item.iconPath = stateIcon(run.state);
    const timing = run.state === 'RUNNING' && run.elapsed ? ` ${run.elapsed}${run.timeLimit ? `/${run.timeLimit}` : ''}` : '';
    const node = run.state === 'RUNNING' && run.nodes ? ` on ${run.nodes}` : '';
    item.description = `${stateText(run.state, run.exitCode, run.reason)}${node}${timing} · ${run.where}${run.jobId ? ` · job ${run.jobId}` : ''} · ${age(new Date(run.startedAt))}`;
    item.tooltip = new vscode.MarkdownString(
      `**${run.name}** on ${run.where}${run.jobId ? ` (Slurm job ${run.jobId})` : ''}\n\n${stateText(run.state, run.exitCode, run.reason)}\n\nOutputs: \`${run.outputFolder}\`\n\nStarted ${new Date(run.startedAt).toLocaleString()}${run.finishedAt ? `, ended ${new Date(run.finishedAt).toLocaleString()}` : ''}`,
    );
    item.contextValue = `reprolab.run.${run.target}.${isActive(run.state) ? 'active' : 'finished'}`;
    item.command = { title: 'Show Log', command: 'reprolab.showRunLog', arguments: [{ kind: 'run', run }] };
    return item;
  }
}

function isActive(state: JobState): boolean {
  return !isFinished(state);
}

function stateIcon(state: JobState): vscode.ThemeIcon {
  const [icon, color] = ICONS[state] ?? ['question'];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

/** `PENDING (Resources)`, `FAILED (exit 3)`, `COMPLETED`. */
export function stateText(state: JobState, exitCode?: number | null, reason?: string): string {
  if (state === 'PENDING' && reason) return `PENDING (${reason})`;
  if (!['COMPLETED', 'PENDING', 'RUNNING', 'CANCELLED'].includes(state) && exitCode !== undefined && exitCode !== null) return `${state} (exit ${exitCode})`;
  return state;
}

function describeEnd(state: JobState, exitCode?: number | null): string {
  return state === 'COMPLETED' ? 'completed' : `ended ${stateText(state, exitCode).toLowerCase()}`;
}
