/** The Slurm job model: states, ids and the records squeue and sacct give. */
import { parseDelimited } from './delimited';

export type JobState =
  | 'PENDING' | 'RUNNING' | 'COMPLETING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMEOUT' | 'OUT_OF_MEMORY'
  | 'NODE_FAIL' | 'PREEMPTED' | 'SUSPENDED' | 'BOOT_FAIL' | 'DEADLINE' | 'REQUEUED' | 'RESIZING' | 'REVOKED' | 'UNKNOWN';

const STATES = new Set<string>(['PENDING', 'RUNNING', 'COMPLETING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'SUSPENDED', 'BOOT_FAIL', 'DEADLINE', 'REQUEUED', 'RESIZING', 'REVOKED']);
const SHORT: Record<string, JobState> = { PD: 'PENDING', R: 'RUNNING', CG: 'COMPLETING', CD: 'COMPLETED', F: 'FAILED', CA: 'CANCELLED', TO: 'TIMEOUT', OOM: 'OUT_OF_MEMORY', NF: 'NODE_FAIL', PR: 'PREEMPTED', S: 'SUSPENDED', BF: 'BOOT_FAIL', DL: 'DEADLINE', RQ: 'REQUEUED' };

/** `CANCELLED by 129319` → CANCELLED (by 129319); `R` → RUNNING; anything else → UNKNOWN. */
export function parseState(text: string): { state: JobState; by?: string } {
  const t = text.trim().replace(/\+$/, '');
  const by = /^CANCELLED by (\S+)$/.exec(t);
  if (by) return { state: 'CANCELLED', by: by[1] };
  if (STATES.has(t)) return { state: t as JobState };
  if (SHORT[t]) return { state: SHORT[t] };
  return { state: 'UNKNOWN' };
}

/** Whether a job in this state will not change any more. */
export function isFinished(state: JobState): boolean {
  return !['PENDING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING', 'UNKNOWN'].includes(state);
}

export interface JobId {
  /** The job (or array parent, or hetjob leader) id. */
  job: string;
  /** Array task (`5`), or pending range (`[1-3]`). */
  task?: string;
  /** Hetjob component (`1` in `93+1`). */
  component?: string;
  /** Step (`batch`, `extern`, `0`). */
  step?: string;
}

/** `5908801_3.batch`, `1080_[5-1024]`, `93+1`, `65552.1` → their parts. */
export function parseJobId(text: string): JobId {
  const m = /^(\d+)(?:_(\[[^\]]*\]|\d+))?(?:\+(\d+))?(?:\.(.+))?$/.exec(text.trim());
  if (!m) return { job: text.trim() };
  return { job: m[1], ...(m[2] ? { task: m[2] } : {}), ...(m[3] ? { component: m[3] } : {}), ...(m[4] ? { step: m[4] } : {}) };
}

export const SEPARATOR = '\x1f';

/** Fields ReproLab asks squeue for, in order. */
export const SQUEUE_FIELDS = ['JobID', 'ArrayJobID', 'ArrayTaskID', 'Name', 'UserName', 'Partition', 'StateCompact', 'Reason', 'TimeUsed', 'TimeLimit', 'NodeList', 'WorkDir', 'StdOut'];

/** `squeue -h -r -O JobID:<0x1F>,...`: one call for all of a user's jobs, array tasks one per line. */
export function squeueArgv(user: { me: boolean; name?: string }): string[] {
  return ['squeue', '-h', '-r', ...(user.me ? ['--me'] : ['-u', user.name ?? '']), '-O', SQUEUE_FIELDS.map((f) => `${f}:${SEPARATOR}`).join(',')];
}

/** Parses `squeue -O` output with the unit separator after every field, by the header or the given field names. */
export function parseSqueue(text: string, fields: string[] = SQUEUE_FIELDS, header = false): Record<string, string>[] {
  let names = fields;
  let body = text;
  if (header) {
    const newline = text.indexOf('\n');
    names = text.slice(0, newline).split(SEPARATOR).map((f) => f.trim()).filter((f, i, all) => i < all.length - 1 || f !== '');
    body = text.slice(newline + 1);
  }
  // squeue fields never hold line breaks, so each line is a job; a job name may hold the separator
  // itself (names are the one free text), so surplus fields are folded back into the name.
  const nameIndex = names.findIndex((n) => /^name$/i.test(n));
  return body.split(/\r?\n/).filter((line) => line.trim() !== '').map((line) => {
    const values = line.split(SEPARATOR);
    if (values[values.length - 1] === '') values.pop();
    const surplus = values.length - names.length;
    if (surplus > 0 && nameIndex >= 0) values.splice(nameIndex, surplus + 1, values.slice(nameIndex, nameIndex + surplus + 1).join(SEPARATOR));
    return toRecord(names, values);
  });
}

/** Parses sacct -P output: with a header row when `fields` is not given; `trailing` for --parsable. */
export function parseSacct(text: string, delimiter: string, options: { fields?: string[]; trailing?: boolean } = {}): Record<string, string>[] {
  let names = options.fields;
  let body = text;
  if (!names) {
    const newline = text.indexOf('\n');
    names = text.slice(0, newline).replace(/\r$/, '').split(delimiter);
    if (options.trailing && names[names.length - 1] === '') names.pop();
    body = text.slice(newline + 1);
  }
  return parseDelimited(body, delimiter, names.length, !!options.trailing).map((values) => toRecord(names!, values));
}

function toRecord(names: string[], values: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  names.forEach((name, i) => {
    if (!(name in record)) record[name] = (values[i] ?? '').trim();
  });
  return record;
}
