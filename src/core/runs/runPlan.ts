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
import { ArgumentValue, argumentArgv, NativeCommand, RunConfig, runFlags } from './runConfig';

export interface RunRequest {
  host: Host;
  apptainer: ApptainerInstall;
  config: RunConfig;
  configName: string;
  form: FormSchema;
  now: Date;
  reprolabVersion: string;
  /** Run the configuration's `native` command on the host instead of the image. */
  native?: boolean;
}

/** The configuration's native command, for a request that asks for it; refuses a configuration without one. */
export function nativeOf(r: Pick<RunRequest, 'config' | 'configName' | 'native'>): NativeCommand | undefined {
  if (!r.native) return undefined;
  if (!r.config.native) throw new Error(`${r.configName} has no native command: add native.command (such as [python3, main.py]) to run it outside the container.`);
  return r.config.native;
}

/** The command that runs the lab with these arguments: the image through Apptainer, or the native command. */
export function entryArgv(r: Pick<RunRequest, 'apptainer' | 'config' | 'configName' | 'native'>, args: string[]): string[] {
  const native = nativeOf(r);
  return native ? [...native.command, ...args] : runArgv(r.apptainer.binary, r.config.image, args, runFlags(r.config));
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

/** Whether an option receives the output folder, which every run fills with a fresh one. */
export function isOutputDest(dest: string): boolean {
  return /^(output[_-]?dir|out[_-]?dir|output)$/i.test(dest);
}

/** The option that receives the output folder: output.argument, else the form's output-dir-like option. */
function outputOption(config: RunConfig, form: FormSchema): string | undefined {
  if (config.output?.argument) return config.output.argument;
  const option = form.groups.flatMap((g) => g.options).find((o) => isOutputDest(o.dest));
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
  let outputFolder: string;
  if (typeof typed === 'string' && typed) outputFolder = typed;
  else {
    // A native run writes beside the container's, never into the same folder.
    const name = r.native ? `${r.configName}_native` : r.configName;
    outputFolder = plannedOutputFolder(r.config, name, label ?? seed ?? undefined, r.now, `${await r.host.home()}/reprolab-runs`);
  }
  if (outputFolder !== typed && r.config.output?.policy !== 'reuse') outputFolder = await makeFreshFolder(r.host, outputFolder);
  else {
    await checkOutputFolder(r.host, outputFolder, r.config.output?.policy);
    const mkdir = await r.host.exec(['mkdir', '-p', '--', outputFolder]);
    if (mkdir.code !== 0) throw new Error(`Could not create ${outputFolder}: ${mkdir.stderr.trim()}`);
  }
  if (outputKey) args[outputKey] = outputFolder;
  const command = entryArgv(r, argumentArgv(args, r.form));
  const native = nativeOf(r);
  const record: RunRecord = {
    reprolab: r.reprolabVersion,
    configName: r.configName,
    image: { path: r.config.image },
    ...(native ? { native } : {}),
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

/**
 * Creates a folder no other run has: the planned name, else the name with -2, -3, ... (two runs
 * started in the same second with the same seed). `mkdir` without -p is the atomic claim.
 */
async function makeFreshFolder(host: Host, planned: string): Promise<string> {
  const parent = planned.slice(0, planned.lastIndexOf('/')) || '/';
  const mkdirParent = await host.exec(['mkdir', '-p', '--', parent]);
  if (mkdirParent.code !== 0) throw new Error(`Could not create ${parent}: ${mkdirParent.stderr.trim()}`);
  for (let n = 1; n <= 100; n++) {
    const candidate = n === 1 ? planned : `${planned}-${n}`;
    const mkdir = await host.exec(['mkdir', '--', candidate]);
    if (mkdir.code === 0) return candidate;
    if (!/exists/i.test(mkdir.stderr)) throw new Error(`Could not create ${candidate}: ${mkdir.stderr.trim()}`);
  }
  throw new Error(`${planned} and 99 folders named after it exist already: clean up ${parent}, or set output.root elsewhere.`);
}

/** Writes a run record as run.json in its output folder. */
export async function writeRecord(host: Host, record: RunRecord): Promise<void> {
  await host.writeFile(`${record.outputFolder}/run.json`, JSON.stringify(record, null, 2) + '\n');
}
