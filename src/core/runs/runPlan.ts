/**
 * What every run starts with, whatever its target: the seed, a fresh output folder (checked, then
 * created), the exact apptainer command and the run record that will sit beside the outputs.
 */
import { runArgv } from '../apptainer/commands';
import { ApptainerInstall } from '../apptainer/probe';
import { FormSchema } from '../argparse/help';
import { Host } from '../host/host';
import { argumentKey } from './formValues';
import { checkOutputFolder, plannedOutputFolder, RunRecord } from './outputFolder';
import { ArgumentValue, argumentArgv, RunConfig, runFlags } from './runConfig';

export interface RunRequest {
  host: Host;
  apptainer: ApptainerInstall;
  config: RunConfig;
  configName: string;
  form: FormSchema;
  now: Date;
  reprolabVersion: string;
}

export interface RunPlan {
  /** The image's arguments, with the output folder filled in. */
  args: Record<string, ArgumentValue>;
  /** The `arguments:` keys of the seed and output options, when the image has them. */
  seedKey?: string;
  outputKey?: string;
  seed: ArgumentValue | null;
  outputFolder: string;
  command: string[];
  record: RunRecord;
}

const SEED = /^(random[_-]?state|seed|random[_-]?seed)$/i;

/** The `arguments:` key that holds the seed (`random-state`, `seed`, ...), if any. */
export function seedKeyOf(args: Record<string, ArgumentValue>, form: FormSchema): string | undefined {
  const inArgs = Object.keys(args).find((k) => SEED.test(k));
  if (inArgs) return inArgs;
  const option = form.groups.flatMap((g) => g.options).find((o) => SEED.test(o.dest));
  return option ? argumentKey(option) : undefined;
}

/** The option that receives the output folder: output.argument, else the form's output-dir-like option. */
function outputOption(config: RunConfig, form: FormSchema): string | undefined {
  if (config.output?.argument) return config.output.argument;
  const option = form.groups.flatMap((g) => g.options).find((o) => /^(output[_-]?dir|out[_-]?dir|output)$/i.test(o.dest));
  return option ? argumentKey(option) : undefined;
}

/** The flag an `arguments:` key is passed with (`random-state` → `--random-state`). */
export function flagOf(key: string, form: FormSchema): string {
  return argumentArgv({ [key]: '' }, form)[0];
}

/**
 * Plans a run and creates its output folder: the folder the user typed, else a fresh one named
 * from the configuration, seed (or `label`, for a sweep) and time. Refuses a folder that holds results.
 */
export async function planRun(r: RunRequest, label?: string): Promise<RunPlan> {
  const args = { ...(r.config.arguments ?? {}) };
  const seedKey = seedKeyOf(args, r.form);
  const seed = seedKey !== undefined && args[seedKey] !== undefined ? args[seedKey] : null;
  const outputKey = outputOption(r.config, r.form);
  const typed = outputKey ? args[outputKey] : undefined;
  const outputFolder = typeof typed === 'string' && typed
    ? typed
    : plannedOutputFolder(r.config, r.configName, label ?? seed ?? undefined, r.now, `${await r.host.home()}/reprolab-runs`);
  await checkOutputFolder(r.host, outputFolder, r.config.output?.policy);
  const mkdir = await r.host.exec(['mkdir', '-p', '--', outputFolder]);
  if (mkdir.code !== 0) throw new Error(`Could not create ${outputFolder}: ${mkdir.stderr.trim()}`);
  if (outputKey) args[outputKey] = outputFolder;
  const command = runArgv(r.apptainer.binary, r.config.image, argumentArgv(args, r.form), runFlags(r.config));
  const record: RunRecord = {
    reprolab: r.reprolabVersion,
    configName: r.configName,
    image: { path: r.config.image },
    host: r.host.name,
    apptainer: r.apptainer,
    command,
    arguments: args,
    seed,
    outputFolder,
    startedAt: r.now.toISOString(),
  };
  return { args, seedKey, outputKey, seed, outputFolder, command, record };
}

/** Writes a run record as run.json in its output folder. */
export async function writeRecord(host: Host, record: RunRecord): Promise<void> {
  await host.writeFile(`${record.outputFolder}/run.json`, JSON.stringify(record, null, 2) + '\n');
}
