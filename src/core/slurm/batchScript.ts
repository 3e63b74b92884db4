/**
 * A run configuration rendered as a Slurm batch script: #SBATCH lines for the resources, strict
 * shell options, unbuffered Python output, the output folder made, then the quoted apptainer line.
 */
import { RunFlags, runArgv } from '../apptainer/commands';
import { NativeCommand, SlurmResources } from '../runs/runConfig';
import { commandLine } from '../shell';
import { isSlurmTime } from './time';

export interface BatchScriptRequest {
  jobName: string;
  resources: SlurmResources;
  apptainer: string;
  image: string;
  /** The image's arguments; for a seed sweep the seed is appended per task. */
  args: string[];
  flags?: RunFlags;
  /** The run's output folder; for a sweep, the parent of one folder per task. */
  outputFolder: string;
  /** A seed sweep: one array task per seed (the task id is the seed), each with its own output folder. */
  seedSweep?: { seedOption: string; outputOption: string; seeds: string };
  /** `none` renders the same script without #SBATCH lines, for running it with bash directly. */
  scheduler?: 'slurm' | 'none';
  /** Run this command on the host (in its folder) with the same arguments, instead of the image. */
  native?: NativeCommand;
}

/** `#SBATCH` options for a job's name, resources, array and log; refuses values sbatch would reject, with the reason. */
export function sbatchOptions(jobName: string, res: SlurmResources, log: string, array?: string): string[] {
  const sbatch: string[] = [`--job-name=${jobName}`];
  if (res.partition) sbatch.push(`--partition=${res.partition}`);
  if (res.account) sbatch.push(`--account=${res.account}`);
  if (res.reservation) sbatch.push(`--reservation=${res.reservation}`);
  if (res.time) {
    if (!isSlurmTime(res.time)) throw new Error(`"${res.time}" is not a Slurm time: write minutes, HH:MM:SS or D-HH:MM:SS.`);
    sbatch.push(`--time=${res.time}`);
  }
  if (res.cpus !== undefined) sbatch.push(`--cpus-per-task=${res.cpus}`);
  if (res.memory) sbatch.push(`--mem=${res.memory}`);
  if (res.gpus !== undefined && res.gpus !== 0 && res.gpus !== '') sbatch.push(typeof res.gpus === 'number' || /^\d+$/.test(res.gpus) ? `--gpus=${res.gpus}` : `--gres=gpu:${res.gpus}`);
  if (array) {
    if (!/^[0-9,\-:%]+$/.test(array)) throw new Error(`"${array}" is not a Slurm array: write it like 0-4, 1,3,5 or 0-9%2.`);
    sbatch.push(`--array=${array}`);
  }
  sbatch.push(`--output=${log}`);
  for (const line of sbatch) {
    if (/[\r\n]/.test(line)) throw new Error(`A Slurm option contains a line break: ${JSON.stringify(line)}.`);
  }
  return sbatch;
}

/** Renders the script; refuses resource values sbatch would reject, with the reason. */
export function renderBatchScript(r: BatchScriptRequest): string {
  const sweep = r.seedSweep;
  // %A_%a per array task, %j otherwise. Slurm opens the log before the script runs, so it goes in
  // the run's output folder, which submitBatch() creates first.
  const log = sweep ? `${r.outputFolder}/slurm-%A_%a.out` : `${r.outputFolder}/slurm-%j.out`;
  const sbatch = sbatchOptions(r.jobName, r.resources, log, sweep ? sweep.seeds : r.resources.array);
  if (r.scheduler === 'none' && sweep) throw new Error('A seed sweep runs as a Slurm job array: set target.type to slurm.');
  const directives = r.scheduler === 'none' ? [] : sbatch.map((o) => `#SBATCH ${o}`);
  const lines = ['#!/bin/bash', ...directives, '', 'set -euo pipefail', 'export PYTHONUNBUFFERED=1'];
  const argv = r.native ? [...r.native.command, ...r.args] : runArgv(r.apptainer, r.image, r.args, r.flags);
  if (sweep) {
    // The seed comes from the array task id; each task writes into its own folder.
    lines.push(`out=${commandLine([r.outputFolder])}/seed-"$SLURM_ARRAY_TASK_ID"`, 'mkdir -p -- "$out"');
    if (r.native?.cwd) lines.push(`cd -- ${commandLine([r.native.cwd])}`);
    lines.push(`${commandLine(argv)} ${commandLine([sweep.seedOption])} "$SLURM_ARRAY_TASK_ID" ${commandLine([sweep.outputOption])} "$out"`);
  } else {
    lines.push(`mkdir -p -- ${commandLine([r.outputFolder])}`);
    if (r.native?.cwd) lines.push(`cd -- ${commandLine([r.native.cwd])}`);
    lines.push(commandLine(argv));
  }
  return lines.join('\n') + '\n';
}

/** `sbatch --parsable` prints `jobid` or `jobid;cluster`; stderr with exit 0 is a warning worth showing. */
export function parseSbatch(result: { code: number | null; stdout: string; stderr: string }): { jobId: string; cluster?: string; warning?: string } {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  const m = /^(\d+)(?:;(\S+))?$/.exec(line);
  if (result.code !== 0 || !m) {
    const why = result.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${result.code}`;
    throw new Error(`sbatch refused the job: ${why.replace(/^sbatch: error: /, '')}`);
  }
  const warning = result.stderr.trim() ? result.stderr.trim().split('\n').map((l) => l.replace(/^sbatch: /, '')).join(' ') : undefined;
  return { jobId: m[1], ...(m[2] ? { cluster: m[2] } : {}), ...(warning ? { warning } : {}) };
}
