/**
 * The JobPoller: what a user's Slurm jobs are doing, with one `squeue` call per refresh for all of
 * them, and one `sacct` call for the jobs that left the queue since the last refresh.
 */
import { Host, HostError } from '../host/host';
import { isFinished, JobState, parseSqueue, parseState, SQUEUE_FIELDS, squeueArgv } from './jobs';
import { accountJobs } from './submit';

/** A job (or one array task) as the Jobs view shows it. */
export interface SlurmJob {
  /** `123`, or `123_4` for an array task. */
  id: string;
  /** The array's job id when this is an array task. */
  arrayJobId?: string;
  arrayTaskId?: string;
  name: string;
  user: string;
  partition: string;
  state: JobState;
  /** Why a pending job waits (`Resources`, `Priority`, ...). */
  reason?: string;
  /** Time used and limit, as Slurm prints them. */
  elapsed?: string;
  timeLimit?: string;
  nodes?: string;
  workDir?: string;
  /** The log file pattern or path squeue reports. */
  stdout?: string;
  /** For a finished job: its exit code and the signal that ended it. */
  exitCode?: number | null;
  signal?: number | null;
  /** `CANCELLED by <uid>`. */
  by?: string;
}

export interface JobSnapshot {
  /** Every job of the user still in the queue, array tasks one by one. */
  queued: SlurmJob[];
  /** Watched jobs that left the queue, with how they ended. */
  finished: SlurmJob[];
  at: Date;
}

/** Errors that mean the controller is busy or briefly away: try again later, more slowly. */
const TRANSIENT = /socket timed out|slurm_load_jobs error|unable to contact slurm controller|connection refused|temporarily unavailable|slurmdbd.*(not responding|connection)/i;

const EMPTY = /^(N\/A|\(null\)|None)?$/;

/** Turns a `squeue -O` record into a job. */
export function jobFromSqueue(row: Record<string, string>): SlurmJob {
  const task = EMPTY.test(row.ArrayTaskID ?? '') ? undefined : row.ArrayTaskID;
  const arrayJob = task && !EMPTY.test(row.ArrayJobID ?? '') ? row.ArrayJobID : undefined;
  const { state } = parseState(row.StateCompact ?? row.State ?? '');
  const reason = EMPTY.test(row.Reason ?? '') ? undefined : row.Reason;
  return {
    id: arrayJob ? `${arrayJob}_${task}` : row.JobID,
    ...(arrayJob ? { arrayJobId: arrayJob, arrayTaskId: task } : {}),
    name: row.Name ?? '',
    user: row.UserName ?? '',
    partition: row.Partition ?? '',
    state,
    ...(reason ? { reason } : {}),
    ...(row.TimeUsed ? { elapsed: row.TimeUsed } : {}),
    ...(row.TimeLimit ? { timeLimit: row.TimeLimit } : {}),
    ...(EMPTY.test(row.NodeList ?? '') ? {} : { nodes: row.NodeList }),
    ...(row.WorkDir ? { workDir: row.WorkDir } : {}),
    ...(EMPTY.test(row.StdOut ?? '') ? {} : { stdout: row.StdOut }),
  };
}

export interface PollerOptions {
  /** Longest wait between refreshes after repeated controller errors. */
  maxBackoffMs?: number;
}

/**
 * Polls one cluster. Concurrent refreshes share one call; a job that leaves the queue is asked of
 * sacct until accounting knows how it ended; controller errors back off.
 */
export class JobPoller {
  private inFlight?: Promise<JobSnapshot>;
  private userArgs?: Promise<{ me: boolean; name?: string }>;
  /** Jobs seen queued, or submitted by us, whose end is not known yet. */
  private readonly watched = new Set<string>();
  private failures = 0;
  /** Remote commands run so far, for the bench and tests. */
  commands = 0;
  last?: JobSnapshot;

  constructor(private readonly host: Host, private readonly options: PollerOptions = {}) {}

  /** Watches a job (just submitted, or remembered from an earlier session) until it ends. */
  watch(jobId: string): void {
    this.watched.add(jobId);
  }

  /** Refreshes now; a refresh already under way is shared, not repeated. */
  refresh(): Promise<JobSnapshot> {
    this.inFlight ??= this.poll().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** How long to wait before the next scheduled refresh: the interval, doubled per failure in a row. */
  nextDelay(intervalMs: number): number {
    return Math.min(intervalMs * 2 ** this.failures, this.options.maxBackoffMs ?? 5 * 60_000);
  }

  private async poll(): Promise<JobSnapshot> {
    try {
      const snapshot = await this.pollOnce();
      this.failures = 0;
      this.last = snapshot;
      return snapshot;
    } catch (err) {
      this.failures++;
      throw err;
    }
  }

  private async pollOnce(): Promise<JobSnapshot> {
    const user = await this.user();
    const result = await this.run(squeueArgv(user));
    if (result.code !== 0) throw slurmError('squeue', result.stderr, result.code);
    const queued = parseSqueue(result.stdout, SQUEUE_FIELDS).map(jobFromSqueue);
    const inQueue = new Set(queued.map((j) => j.id));
    for (const job of queued) this.watched.add(job.id);
    // An array still partly pending is listed by task; its parent id stays watched through them.
    // Hetjob components (`93+1`) are not asked of sacct by id; their leader is.
    const gone = [...this.watched].filter((id) => /^\d+(_\d+)?$/.test(id) && !inQueue.has(id) && !queued.some((j) => j.arrayJobId === id));
    const finished: SlurmJob[] = [];
    if (gone.length) {
      this.commands++;
      const accounted = await accountJobs(this.host, gone);
      for (const row of accounted) {
        if (!isFinished(row.state)) continue;
        const previous = this.last?.queued.find((j) => j.id === row.jobId);
        finished.push({
          ...(previous ?? { name: '', user: user.name ?? '', partition: '' }),
          id: row.jobId,
          state: row.state,
          exitCode: row.exitCode,
          signal: row.signal,
          ...(row.by ? { by: row.by } : {}),
        } as SlurmJob);
        this.watched.delete(row.jobId);
        // A whole array submitted as `123` ends through its tasks `123_0`, `123_1`, ...
        const array = /^(\d+)_/.exec(row.jobId)?.[1];
        if (array) this.watched.delete(array);
      }
    }
    return { queued, finished, at: new Date() };
  }

  private async run(argv: string[]) {
    this.commands++;
    return this.host.exec(argv, { timeoutMs: 60_000 });
  }

  /** `--me` since Slurm 20.02; older ones get `-u` with the login name. Asked once per poller. */
  private user(): Promise<{ me: boolean; name?: string }> {
    this.userArgs ??= (async () => {
      const probe = await this.run(['sh', '-c', 'squeue --version; id -un']);
      const [versionLine = '', name = ''] = probe.stdout.trim().split('\n');
      const version = /(\d+)\.(\d+)/.exec(versionLine);
      if (probe.code !== 0 || !version) {
        throw new HostError('not-found', `Slurm's squeue was not found on ${this.host.name}: check that this cluster runs Slurm and that squeue is on your PATH.`);
      }
      const me = Number(version[1]) > 20 || (Number(version[1]) === 20 && Number(version[2]) >= 2);
      return { me, name: name.trim() };
    })();
    this.userArgs.catch(() => (this.userArgs = undefined));
    return this.userArgs;
  }
}

/** One sentence for a failed Slurm command; a busy controller is said to be busy. */
export function slurmError(command: string, stderr: string, code: number | null): Error {
  const last = stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
  if (TRANSIENT.test(stderr)) return new HostError('timeout', `The Slurm controller did not answer ${command} (${last}); ReproLab will try again, less often, until it does.`);
  return new Error(`${command} failed: ${last}`);
}
