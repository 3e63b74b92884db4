/**
 * The CLI's Slurm commands, run on the machine the CLI runs on (a login node, or a laptop with
 * Slurm): `submit`, `jobs` and `logs`, over the same core as the Jobs view.
 */
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import { readImageHelp } from './core/apptainer/imageHelp';
import { probeApptainer } from './core/apptainer/probe';
import { Host, HostError } from './core/host/host';
import { LocalHost } from './core/host/local';
import { parseRunConfig } from './core/runs/runConfig';
import { arrayIndices, submitRun } from './core/runs/slurmRun';
import { isFinished } from './core/slurm/jobs';
import { followLog } from './core/slurm/logFollower';
import { JobPoller, SlurmJob } from './core/slurm/poller';
import { logPathOf, parseScontrolJobs } from './core/slurm/scontrol';
import { accountJobs } from './core/slurm/submit';

export interface JobsIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `reprolab submit CONFIG.yaml [--seeds 0-4]`: plans, records and submits the run. */
export async function submitConfig(host: Host, file: string, seeds: string | undefined, version: string, io: JobsIo): Promise<number> {
  const text = (await new LocalHost().readFile(file)).toString('utf8');
  const parsed = parseRunConfig(text);
  if (!parsed.config) {
    const d = parsed.diagnostics[0];
    throw new Error(`${file}:${(d?.line ?? 0) + 1}: ${d?.message ?? 'the configuration is not valid'}`);
  }
  const config = parsed.config;
  // A seed list Slurm would refuse is refused before the image is asked for its help.
  if (seeds) arrayIndices(seeds);
  if (config.target?.type !== 'slurm') throw new Error(`${file} targets ${config.target?.type ?? 'local'}: set target.type to slurm to submit it, or run it from the Jobs view.`);
  const apptainer = await probeApptainer(host);
  const { schema } = await readImageHelp(host, config.image, (await host.stat(config.image)).mtime.getTime());
  const run = await submitRun({ host, apptainer, config, configName: path.basename(file).replace(/\.ya?ml$/i, ''), form: schema, now: new Date(), reprolabVersion: version, seeds });
  if (run.warning) io.err(`reprolab: sbatch: ${run.warning}\n`);
  io.out(`Submitted job ${run.jobId}\noutputs: ${run.outputFolder}\n`);
  for (const task of run.logs) io.out(`log${task.seed !== null && seeds ? ` (seed ${task.seed})` : ''}: ${task.path}\n`);
  return 0;
}

/** `reprolab jobs [--json]`: the user's jobs in the queue, array tasks one by one. */
export async function listJobs(host: Host, json: boolean, io: JobsIo): Promise<number> {
  const { queued } = await new JobPoller(host).refresh();
  if (json) {
    io.out(`${JSON.stringify(queued, null, 2)}\n`);
    return 0;
  }
  const rows = [['JOBID', 'NAME', 'STATE', 'TIME', 'LIMIT', 'NODES (REASON)'], ...queued.map((j) => [j.id, j.name, j.state, j.elapsed ?? '', j.timeLimit ?? '', j.nodes ?? (j.reason ? `(${j.reason})` : '')])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) io.out(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}\n`);
  if (queued.length === 0) io.out('(no jobs in the queue)\n');
  return 0;
}

/** `reprolab logs JOBID [--follow]`: prints the job's log; with --follow, keeps printing until the job ends. */
export async function jobLogs(host: Host, jobId: string, follow: boolean, io: JobsIo, signal?: AbortSignal): Promise<number> {
  if (!/^\d+(_\d+)?$/.test(jobId)) throw new Error(`"${jobId}" is not a Slurm job id (write it like 1234 or 1234_5).`);
  const shown = await host.exec(['scontrol', 'show', 'job', jobId], { timeoutMs: 60000 });
  const record = shown.code === 0 ? parseScontrolJobs(shown.stdout)[0] : undefined;
  const logPath = record ? logPathOf(record) : undefined;
  if (!logPath) {
    const why = shown.stderr.trim().split('\n').pop();
    throw new Error(`Slurm does not know where job ${jobId} writes its log${why ? ` (${why})` : ''}: a job that ended a while ago is forgotten by scontrol; open the slurm-${jobId}.out file in its output folder instead.`);
  }
  const decoder = new StringDecoder('utf8');
  if (!follow) {
    try {
      io.out(decoder.write(await host.readFile(logPath)) + decoder.end());
    } catch (err) {
      if (err instanceof HostError && err.kind === 'not-found') throw new Error(`Job ${jobId} has not written its log ${logPath} yet (it may still be pending); try again with --follow to wait for it.`);
      throw err;
    }
    return 0;
  }
  let ended = false;
  let last: SlurmJob | undefined;
  const poller = new JobPoller(host);
  poller.watch(jobId);
  // The job's state is asked at most every 5 s; the follower reads new bytes in between.
  let asked = 0;
  const jobEnded = async () => {
    if (ended || Date.now() - asked < 5000) return ended;
    asked = Date.now();
    const snapshot = await poller.refresh().catch(() => undefined);
    last = snapshot && [...snapshot.queued, ...snapshot.finished].find((j) => j.id === jobId);
    if (!snapshot) return false;
    ended = last ? isFinished(last.state) : (await accountJobs(host, [jobId]).catch(() => [])).some((j) => isFinished(j.state));
    return ended;
  };
  await followLog(host, logPath, {
    onData: (chunk) => io.out(decoder.write(chunk)),
    onWait: (why) => io.err(why === 'no-file' ? `reprolab: waiting for job ${jobId} to write ${logPath}\n` : 'reprolab: the connection dropped; resuming\n'),
    jobEnded,
    signal,
  });
  io.out(decoder.end());
  if (last?.state) io.err(`reprolab: job ${jobId} ${last.state}${last.exitCode ? ` (exit ${last.exitCode})` : ''}\n`);
  return 0;
}
