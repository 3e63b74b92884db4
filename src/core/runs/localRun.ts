/**
 * Runs a configuration directly on a host (the `local` target): a fresh output folder, the run
 * record beside it, the image's output streamed to the caller and kept in run.log.
 */
import { runArgv } from '../apptainer/commands';
import { ApptainerInstall } from '../apptainer/probe';
import { FormSchema } from '../argparse/help';
import { ExitStatus, Host, RunningCommand } from '../host/host';
import { commandLine } from '../shell';
import { checkOutputFolder, plannedOutputFolder, RunRecord } from './outputFolder';
import { argumentArgv, RunConfig, runFlags } from './runConfig';
import { argumentKey } from './formValues';

export interface LocalRunRequest {
  host: Host;
  apptainer: ApptainerInstall;
  config: RunConfig;
  configName: string;
  form: FormSchema;
  now: Date;
  reprolabVersion: string;
  onOutput: (chunk: Buffer) => void;
}

export interface StartedRun {
  outputFolder: string;
  record: RunRecord;
  running: RunningCommand;
  /** Resolves with the finished record (written to run.json) when the run ends. */
  finished: Promise<RunRecord>;
}

const SEED = /^(random[_-]?state|seed|random[_-]?seed)$/i;

/** The option that receives the output folder: output.argument, else the form's output-dir-like option. */
function outputOption(config: RunConfig, form: FormSchema): string | undefined {
  if (config.output?.argument) return config.output.argument;
  const option = form.groups.flatMap((g) => g.options).find((o) => /^(output[_-]?dir|out[_-]?dir|output)$/i.test(o.dest));
  return option ? argumentKey(option) : undefined;
}

/** Starts a run: refuses an output folder that holds results, records the run, then streams it. */
export async function startLocalRun(r: LocalRunRequest): Promise<StartedRun> {
  const args = { ...(r.config.arguments ?? {}) };
  const seedKey = Object.keys(args).find((k) => SEED.test(k));
  const seed = seedKey ? args[seedKey] : undefined;
  const home = await r.host.home();
  const outputKey = outputOption(r.config, r.form);
  // A folder the user typed is used as it is (and still never overwritten); else a fresh one.
  const typed = outputKey ? args[outputKey] : undefined;
  const outputFolder = typeof typed === 'string' && typed ? typed : plannedOutputFolder(r.config, r.configName, seed, r.now, `${home}/reprolab-runs`);
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
    seed: seed ?? null,
    outputFolder,
    startedAt: r.now.toISOString(),
  };
  const recordPath = `${outputFolder}/run.json`;
  await r.host.writeFile(recordPath, JSON.stringify(record, null, 2) + '\n');
  // The log is kept beside the outputs by the shell on the host, so it survives VS Code closing.
  // GNU tail's --pid ends the follow once the run has exited and its last lines are printed.
  const wrapped = ['sh', '-c', '"$@" > run.log 2>&1 & pid=$!; tail -n +1 -f --pid="$pid" run.log; wait "$pid"', 'reprolab-run', ...command];
  const running = r.host.stream(wrapped, { onStdout: r.onOutput, onStderr: r.onOutput }, { cwd: outputFolder });
  const finished = running.done.then(
    (status: ExitStatus) => finish(status.code, status.signal),
    async (err) => {
      await finish(null, 'cancelled').catch(() => undefined);
      throw err;
    },
  );
  async function finish(code: number | null, signal: string | null): Promise<RunRecord> {
    const done: RunRecord = { ...record, finishedAt: new Date().toISOString(), exitCode: code, ...(signal ? { signal } : {}) };
    await r.host.writeFile(recordPath, JSON.stringify(done, null, 2) + '\n');
    return done;
  }
  return { outputFolder, record, running, finished };
}

/** For logs and the form: the exact command line. */
export function describeCommand(command: string[]): string {
  return commandLine(command);
}
