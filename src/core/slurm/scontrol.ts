/**
 * `scontrol show job` records (multi-line or `--oneliner`) and Slurm's filename patterns, so a
 * job's log can be found from what Slurm itself says.
 */

/** A key starts a token only after whitespace; values may hold spaces (`Reason=launch failed`). */
const KEY = /(?:^|\s)([A-Za-z][A-Za-z0-9_/:]*)=/g;

/** Parses every job in `scontrol show job` output into key/value records; the first value of a key wins. */
export function parseScontrolJobs(text: string): Record<string, string>[] {
  const jobs: Record<string, string>[] = [];
  // Each job starts at `JobId=`, whether jobs are separated by blank lines or not.
  for (const block of text.replace(/\r\n/g, '\n').split(/(?=^\s*JobId=)/m)) {
    if (!/^\s*JobId=/.test(block)) continue;
    const record: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const keys = [...line.matchAll(KEY)];
      keys.forEach((m, i) => {
        const start = m.index! + m[0].length;
        const end = i + 1 < keys.length ? keys[i + 1].index! : line.length;
        if (!(m[1] in record)) record[m[1]] = line.slice(start, end).trim();
      });
    }
    jobs.push(record);
  }
  return jobs;
}

/** What fills a filename pattern's placeholders. */
export interface PatternJob {
  jobId: string;
  name?: string;
  arrayJobId?: string;
  arrayTaskId?: string;
  user?: string;
  /** The first node of the job (its batch host). */
  node?: string;
}

/**
 * Expands `%j %x %A %a %u %N %%` (with optional zero padding, `%4a`) as sbatch does for
 * `--output`; a placeholder whose value is unknown is left as it is.
 */
export function expandLogPattern(pattern: string, job: PatternJob): string {
  const values: Record<string, string | undefined> = {
    j: job.jobId,
    J: job.jobId,
    x: job.name,
    A: job.arrayJobId ?? job.jobId,
    a: job.arrayTaskId,
    u: job.user,
    N: job.node,
  };
  return pattern.replace(/%(\d*)([%jJxAauN])/g, (whole, width: string, key: string) => {
    if (key === '%') return '%';
    const value = values[key];
    if (value === undefined) return whole;
    return width && /^\d+$/.test(value) ? value.padStart(Number(width), '0') : value;
  });
}

/** The log of a job from its scontrol record: StdOut= with what Slurm left unexpanded filled in. */
export function logPathOf(record: Record<string, string>): string | undefined {
  const stdout = record.StdOut;
  if (!stdout || stdout === '(null)') return undefined;
  const user = /^([^(]+)\(/.exec(record.UserId ?? '')?.[1];
  const node = record.BatchHost && record.BatchHost !== '(null)' ? record.BatchHost : undefined;
  return expandLogPattern(stdout, {
    jobId: record.JobId,
    name: record.JobName ?? record.Name,
    arrayJobId: record.ArrayJobId,
    arrayTaskId: record.ArrayTaskId,
    user,
    node,
  });
}
