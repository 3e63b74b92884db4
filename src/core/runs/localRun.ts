/**
 * Runs a configuration directly on a host (the `local` target): a fresh output folder, the run
 * record beside it, the image's output streamed to the caller and kept in run.log.
 */
import { ExitStatus, RunningCommand } from '../host/host';
import { commandLine } from '../shell';
import { RunRecord } from './outputFolder';
import { planRun, RunRequest, writeRecord } from './runPlan';

export interface LocalRunRequest extends RunRequest {
  onOutput: (chunk: Buffer) => void;
}

export interface StartedRun {
  outputFolder: string;
  record: RunRecord;
  running: RunningCommand;
  /** Resolves with the finished record (written to run.json) when the run ends. */
  finished: Promise<RunRecord>;
}

/** Starts a run: refuses an output folder that holds results, records the run, then streams it. */
export async function startLocalRun(r: LocalRunRequest): Promise<StartedRun> {
  const { outputFolder, command, record } = await planRun(r);
  await writeRecord(r.host, record);
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
    await writeRecord(r.host, done);
    return done;
  }
  return { outputFolder, record, running, finished };
}

/** For logs and the form: the exact command line. */
export function describeCommand(command: string[]): string {
  return commandLine(command);
}
