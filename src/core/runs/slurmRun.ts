/**
 * Runs a configuration through Slurm: the batch script rendered from it is kept beside the run
 * record, then handed to `sbatch` on stdin. A seed sweep is one job array whose task id is the
 * seed, each task with its own output folder and record.
 */
import { renderBatchScript } from '../slurm/batchScript';
import { submitBatch } from '../slurm/submit';
import { RunRecord } from './outputFolder';
import { argumentArgv, runFlags } from './runConfig';
import { entryArgv, flagOf, nativeOf, planRun, RunRequest, writeRecord } from './runPlan';

export interface SlurmRunRequest extends RunRequest {
  /** A seed sweep: Slurm array indices such as `0-4` or `1,3,5`; each index is a seed. */
  seeds?: string;
}

export interface SubmittedRun {
  jobId: string;
  /** sbatch's warning, when it printed one but took the job. */
  warning?: string;
  outputFolder: string;
  /** The job's log; for a sweep, one per task (`seed-N` folder order). */
  logs: { seed: number | null; path: string; outputFolder: string; jobId: string }[];
  script: string;
  record: RunRecord;
}

const MAX_TASK_ID = 4000000;
const MAX_SEEDS = 10000;

/** Expands a Slurm array spec (`0-4`, `1,3,5`, `0-9:2`, `0-9%2`) into its indices; refuses ids Slurm cannot have and sweeps past 10000 seeds. */
export function arrayIndices(spec: string): number[] {
  const body = spec.replace(/%\d+$/, '');
  if (!/^\d+(-\d+(:\d+)?)?(,\d+(-\d+(:\d+)?)?)*$/.test(body)) throw new Error(`"${spec}" is not a list of seeds: write it like 0-4, 1,3,5 or 0-9:2.`);
  const out: number[] = [];
  for (const part of body.split(',')) {
    const [range, step = '1'] = part.split(':');
    const [from, to = from] = range.split('-').map(Number);
    // Slurm's array task ids stop at MaxArraySize - 1, and MaxArraySize is at most 4000001.
    if (to > MAX_TASK_ID) throw new Error(`"${part}" in "${spec}" goes past ${MAX_TASK_ID}, the largest Slurm array task id (the seed): use smaller seeds.`);
    if (to < from || Number(step) < 1) throw new Error(`"${part}" in "${spec}" is an empty range.`);
    if (out.length + (to - from) / Number(step) >= MAX_SEEDS) throw new Error(`"${spec}" asks for more than ${MAX_SEEDS} seeds: sweep fewer at a time.`);
    for (let i = from; i <= to; i += Number(step)) out.push(i);
  }
  return [...new Set(out)];
}

/** Plans the run, writes its script and record, and submits it. */
export async function submitRun(r: SlurmRunRequest): Promise<SubmittedRun> {
  if (r.config.target?.type !== 'slurm') throw new Error(`${r.configName} does not target Slurm: set target.type to slurm.`);
  const seeds = r.seeds ? arrayIndices(r.seeds) : undefined;
  const plan = await planRun(r, seeds ? `sweep-${r.seeds!.replace(/[^0-9]+/g, '_')}` : undefined);
  if (seeds && (!plan.seedKey || !plan.outputKey)) {
    throw new Error(`A seed sweep needs the image to take a seed option and an output folder option; ${r.configName}'s image has ${plan.seedKey ? 'no output folder option' : 'no seed option'}.`);
  }
  const args = { ...plan.args };
  if (seeds) {
    delete args[plan.seedKey!];
    delete args[plan.outputKey!];
  }
  const script = renderBatchScript({
    jobName: r.configName,
    resources: r.config.target.slurm ?? {},
    apptainer: r.apptainer.binary,
    image: r.config.image,
    args: argumentArgv(args, r.form),
    flags: runFlags(r.config),
    outputFolder: plan.outputFolder,
    native: nativeOf(r),
    ...(seeds ? { seedSweep: { seedOption: flagOf(plan.seedKey!, r.form), outputOption: flagOf(plan.outputKey!, r.form), seeds: r.seeds! } } : {}),
  });
  await r.host.writeFile(`${plan.outputFolder}/job.sbatch`, script);
  await writeRecord(r.host, plan.record);
  const submitted = await submitBatch(r.host, script, { cwd: plan.outputFolder, logFolder: plan.outputFolder });
  const record: RunRecord = { ...plan.record, jobId: submitted.jobId };
  await writeRecord(r.host, record);
  const logs = seeds
    ? seeds.map((seed) => ({ seed, jobId: `${submitted.jobId}_${seed}`, path: `${plan.outputFolder}/slurm-${submitted.jobId}_${seed}.out`, outputFolder: `${plan.outputFolder}/seed-${seed}` }))
    : [{ seed: typeof plan.seed === 'number' ? plan.seed : null, jobId: submitted.jobId, path: `${plan.outputFolder}/slurm-${submitted.jobId}.out`, outputFolder: plan.outputFolder }];
  if (seeds) {
    // Each task's folder gets its own record now, so every seed's outputs say how they were made.
    for (const task of logs) {
      const taskArgs = { ...plan.args, [plan.seedKey!]: task.seed!, [plan.outputKey!]: task.outputFolder };
      const command = entryArgv(r, argumentArgv(taskArgs, r.form));
      await r.host.exec(['mkdir', '-p', '--', task.outputFolder]);
      await writeRecord(r.host, { ...record, arguments: taskArgs, seed: task.seed, outputFolder: task.outputFolder, jobId: task.jobId, command });
    }
  }
  return { jobId: submitted.jobId, ...(submitted.warning ? { warning: submitted.warning } : {}), outputFolder: plan.outputFolder, logs, script, record };
}
