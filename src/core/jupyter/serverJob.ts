/**
 * A Jupyter server inside an Apptainer image, run as a Slurm job (on a GPU node by default). The
 * job writes where the server listens, and a token it made itself, to a 0600 connection file in
 * its folder; a Hugging Face token reaches it only as a 0600 file that the job reads and deletes.
 */
import { Host, HostError } from '../host/host';
import { commandLine } from '../shell';
import { isFinished, JobState, parseState } from '../slurm/jobs';
import { isSlurmTime } from '../slurm/time';
import { accountJobs, submitBatch } from '../slurm/submit';

/** Where the job's files go inside its folder. */
export const JOB_FILES = {
  script: 'jupyter.sbatch',
  connection: 'connection.json',
  hfToken: 'hf-token',
  notebooks: 'notebooks',
} as const;

export interface JupyterJobRequest {
  apptainer: string;
  image: string;
  /** The job's own folder: script, log, connection file; the notebooks live in `notebooks/` inside. */
  folder: string;
  jobName?: string;
  partition?: string;
  account?: string;
  /** Slurm time limit, such as `02:00:00`. */
  time?: string;
  cpus?: number;
  memory?: string;
  /** Generic resources such as `gpu:1` or `gpu:a100:1`; empty for a job without GPUs (and without --nv). */
  gres?: string;
}

/** The connection file the job writes once the server listens. */
export interface JupyterConnection {
  /** The compute node, as the login node reaches it. */
  host: string;
  port: number;
  token: string;
}

const OPTION_VALUE = /^[A-Za-z0-9_.:,=@%+/-]+$/;

/** The batch script; refuses resource values sbatch would reject or that could break a directive. */
export function renderJupyterJob(r: JupyterJobRequest): string {
  const directives: string[] = [`--job-name=${r.jobName ?? 'reprolab-jupyter'}`, `--output=${r.folder}/slurm-%j.out`];
  const option = (name: string, value: string | number | undefined) => {
    if (value === undefined || value === '') return;
    if (!OPTION_VALUE.test(String(value))) throw new Error(`"${value}" is not a valid value for --${name}: use letters, digits and : , . = - only.`);
    directives.push(`--${name}=${value}`);
  };
  option('partition', r.partition);
  option('account', r.account);
  if (r.time && !isSlurmTime(r.time)) throw new Error(`"${r.time}" is not a Slurm time: write minutes, HH:MM:SS or D-HH:MM:SS.`);
  option('time', r.time);
  option('cpus-per-task', r.cpus);
  option('mem', r.memory);
  option('gres', r.gres);
  if (/[\r\n]/.test(directives.join(''))) throw new Error('A Slurm option contains a line break.');
  const folder = commandLine([r.folder]);
  const exec = [r.apptainer, 'exec', ...(r.gres ? ['--nv'] : []), r.image, 'jupyter', 'server', '--no-browser', '--ip=0.0.0.0',
    `--ServerApp.root_dir=${r.folder}/${JOB_FILES.notebooks}`, '--ServerApp.port_retries=50'];
  return [
    '#!/bin/bash',
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'set -euo pipefail',
    'umask 077',
    `cd ${folder}`,
    `mkdir -p ${JOB_FILES.notebooks}`,
    '# The Hugging Face token arrives as a 0600 file: it lives on only in the server\'s environment.',
    `if [ -f ${JOB_FILES.hfToken} ]; then HF_TOKEN=$(cat ${JOB_FILES.hfToken}); export HF_TOKEN; rm -f ${JOB_FILES.hfToken}; fi`,
    '# A fresh token for this server, passed in the environment so no command line shows it.',
    'JUPYTER_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d \' \\n\'); export JUPYTER_TOKEN',
    'export JUPYTER_RUNTIME_DIR="$PWD/runtime"',
    'rm -rf runtime; mkdir -p runtime',
    '# A random first port, moved on by port_retries when taken; the server records the one it got',
    '# (with --port=0 Jupyter Server 1.x listens, but records port 0).',
    `${commandLine(exec)} --port=$((20000 + RANDOM % 40000)) &`,
    'server=$!',
    'trap \'kill -TERM "$server" 2>/dev/null; wait "$server"; exit 143\' TERM INT',
    'info=',
    'while kill -0 "$server" 2>/dev/null; do',
    '  for f in runtime/jpserver-*.json; do if [ -f "$f" ]; then info=$f; fi; done',
    '  if [ -n "$info" ] && grep -q \'"port": [1-9]\' "$info"; then break; fi',
    '  info=',
    '  sleep 1',
    'done',
    'if [ -z "$info" ]; then wait "$server"; exit $?; fi',
    'port=$(sed -n \'s/.*"port": *\\([0-9][0-9]*\\).*/\\1/p\' "$info" | head -n 1)',
    'node=${SLURMD_NODENAME:-$(hostname)}',
    `printf '{"host": "%s", "port": %s, "token": "%s"}\\n' "$node" "$port" "$JUPYTER_TOKEN" > ${JOB_FILES.connection}.part`,
    `mv ${JOB_FILES.connection}.part ${JOB_FILES.connection}`,
    'echo "Jupyter server listening on $node:$port"',
    'wait "$server"',
    '',
  ].join('\n');
}

export interface StartedJupyterJob {
  jobId: string;
  folder: string;
  logPath: string;
  script: string;
}

/**
 * Makes the job's folder (0700), hands over the Hugging Face token as a 0600 file (never in the
 * script), keeps the script beside it and submits it.
 */
export async function startJupyterJob(host: Host, r: JupyterJobRequest, hfToken?: string): Promise<StartedJupyterJob> {
  const script = renderJupyterJob(r);
  const mkdir = await host.exec(['mkdir', '-p', '-m', '700', '--', r.folder, `${r.folder}/${JOB_FILES.notebooks}`]);
  if (mkdir.code !== 0) throw new Error(`Could not create ${r.folder} on ${host.name}: ${mkdir.stderr.trim()}`);
  if (hfToken) {
    if (/[\s]/.test(hfToken)) throw new Error('The Hugging Face token contains spaces or line breaks: paste it again.');
    await host.writeFile(`${r.folder}/${JOB_FILES.hfToken}`, hfToken, { mode: 0o600 });
  }
  await host.writeFile(`${r.folder}/${JOB_FILES.script}`, script);
  const submitted = await submitBatch(host, script, { cwd: r.folder });
  return { jobId: submitted.jobId, folder: r.folder, logPath: `${r.folder}/slurm-${submitted.jobId}.out`, script };
}

/** Parses the connection file; undefined when it is not (yet, or not wholly) written. */
export function parseConnection(text: string): JupyterConnection | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const c = value as Partial<JupyterConnection>;
  if (typeof c?.host !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(c.host)) return undefined;
  if (typeof c.port !== 'number' || !Number.isInteger(c.port) || c.port < 1 || c.port > 65535) return undefined;
  if (typeof c.token !== 'string' || !/^[0-9a-f]{32,}$/.test(c.token)) return undefined;
  return { host: c.host, port: c.port, token: c.token };
}

/** The job's state: squeue while it is queued, sacct once it has left the queue. */
export async function jupyterJobState(host: Host, jobId: string): Promise<{ state: JobState; reason?: string; exitCode?: number | null }> {
  if (!/^\d+$/.test(jobId)) throw new Error(`"${jobId}" is not a Slurm job id.`);
  const queued = await host.exec(['squeue', '-h', '-j', jobId, '-o', '%T|%r'], { timeoutMs: 60000 });
  const line = queued.code === 0 ? queued.stdout.trim().split('\n')[0] ?? '' : '';
  if (line) {
    const [state, reason] = line.split('|');
    return { state: parseState(state).state, ...(reason && reason !== 'None' ? { reason } : {}) };
  }
  const [ended] = await accountJobs(host, [jobId]);
  return ended ? { state: ended.state, exitCode: ended.exitCode } : { state: 'UNKNOWN' };
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** How long to wait between looks. */
  intervalMs?: number;
  /** Called with each new state (PENDING with its reason, RUNNING). */
  onState?: (state: JobState, reason?: string) => void;
}

/**
 * Waits until the job runs and its connection file is written; a job that ends first is reported
 * with the last lines of its log.
 */
export async function waitForConnection(host: Host, job: StartedJupyterJob, options: WaitOptions = {}): Promise<JupyterConnection> {
  let last = '';
  for (;;) {
    if (options.signal?.aborted) throw new HostError('cancelled', 'Waiting for the Jupyter server was cancelled.');
    const { state, reason, exitCode } = await jupyterJobState(host, job.jobId);
    if (`${state}${reason}` !== last) options.onState?.(state, reason);
    last = `${state}${reason}`;
    if (state === 'RUNNING') {
      const text = await host.readFile(`${job.folder}/${JOB_FILES.connection}`).then((b) => b.toString('utf8'), () => '');
      const connection = parseConnection(text);
      if (connection) return connection;
    }
    if (isFinished(state)) {
      const log = await host.readFile(job.logPath).then((b) => b.toString('utf8'), () => '');
      const tail = log.trim().split('\n').slice(-3).join(' / ');
      throw new Error(`The Jupyter job ${job.jobId} ended ${state}${exitCode ? ` (exit ${exitCode})` : ''} before its server answered${tail ? `: ${tail}` : ''}. See ${job.logPath}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 2000));
  }
}
