/** Submitting to Slurm and asking it how jobs ended, each one command on the cluster's host. */
import { Host } from '../host/host';
import { parseSbatch } from './batchScript';
import { JobState, parseSacct, parseState, SEPARATOR } from './jobs';

/**
 * `sbatch --parsable` with the script on stdin, run from `cwd`. The folder that will hold the
 * job's log is created first: Slurm opens the log before the script can create anything.
 */
export async function submitBatch(host: Host, script: string, options: { cwd?: string; logFolder?: string } = {}): Promise<{ jobId: string; cluster?: string; warning?: string }> {
  if (options.logFolder) {
    const mkdir = await host.exec(['mkdir', '-p', '--', options.logFolder]);
    if (mkdir.code !== 0) throw new Error(`Could not create ${options.logFolder}: ${mkdir.stderr.trim()}`);
  }
  return parseSbatch(await host.exec(['sbatch', '--parsable'], { stdin: script, cwd: options.cwd, timeoutMs: 120000 }));
}

export interface FinishedJob {
  jobId: string;
  state: JobState;
  /** `CANCELLED by <uid>`: who cancelled. */
  by?: string;
  exitCode: number | null;
  signal: number | null;
}

const SACCT_FIELDS = ['JobID', 'State', 'ExitCode'];

/** One `sacct -X -P` call for many jobs (array tasks come one per line). */
export async function accountJobs(host: Host, jobIds: string[]): Promise<FinishedJob[]> {
  if (jobIds.length === 0) return [];
  for (const id of jobIds) if (!/^\d+(_\d+)?$/.test(id)) throw new Error(`"${id}" is not a Slurm job id.`);
  const result = await host.exec(['sacct', '-X', '-n', '-P', '--delimiter', SEPARATOR, '-o', SACCT_FIELDS.join(','), '-j', jobIds.join(',')], { timeoutMs: 120000 });
  if (result.code !== 0) throw new Error(`sacct failed: ${result.stderr.trim().split('\n').pop() ?? `exit code ${result.code}`}`);
  return parseSacct(result.stdout, SEPARATOR, { fields: SACCT_FIELDS }).map((row) => {
    const { state, by } = parseState(row.State);
    const [code, signal] = row.ExitCode.split(':').map((n) => (n === undefined || n === '' ? null : Number(n)));
    return { jobId: row.JobID, state, ...(by ? { by } : {}), exitCode: code ?? null, signal: signal ?? null };
  });
}

/** `scancel` for a job or array task; Slurm's refusal (already ended, not yours) comes back as one sentence. */
export async function cancelJob(host: Host, jobId: string): Promise<void> {
  if (!/^\d+(_\d+)?$/.test(jobId)) throw new Error(`"${jobId}" is not a Slurm job id.`);
  const result = await host.exec(['scancel', jobId], { timeoutMs: 60000 });
  if (result.code !== 0) throw new Error(`scancel ${jobId} failed: ${result.stderr.trim().split('\n').pop() ?? `exit code ${result.code}`}`);
}
