/**
 * Runs a configuration directly on a host (the `local` target), where no Slurm is needed: the same
 * script Slurm would get runs with bash as a background process group of its own, so it goes on
 * when VS Code closes or the connection drops. Its output lands in run.log beside the outputs, and
 * its exit code in .exit-code when it ends.
 */
import { Host } from '../host/host';
import { renderBatchScript } from '../slurm/batchScript';
import { commandLine } from '../shell';
import { RunRecord } from './outputFolder';
import { argumentArgv, runFlags } from './runConfig';
import { nativeOf, planRun, RunRequest, writeRecord } from './runPlan';

export interface StartedLocalRun {
  outputFolder: string;
  record: RunRecord;
  /** The process group of the run (its leader's PID). */
  pid: number;
  logPath: string;
  script: string;
}

/** What became of a background run. */
export type LocalRunStatus = { state: 'RUNNING' } | { state: 'COMPLETED' | 'FAILED'; exitCode: number } | { state: 'CANCELLED' };

/** Starts a run: refuses an output folder that holds results, keeps its script and record, then starts it in the background. */
export async function startLocalRun(r: RunRequest): Promise<StartedLocalRun> {
  const plan = await planRun(r);
  const script = renderBatchScript({
    jobName: r.configName, resources: {}, apptainer: r.apptainer.binary, image: r.config.image,
    args: argumentArgv(plan.args, r.form), flags: runFlags(r.config), outputFolder: plan.outputFolder, scheduler: 'none', native: nativeOf(r),
  });
  await r.host.writeFile(`${plan.outputFolder}/job.sh`, script);
  await writeRecord(r.host, plan.record);
  // setsid makes the run the leader of a new session and process group, detached from this
  // connection; the wrapper keeps the exit code, which no one may be there to collect.
  const wrapper = `bash job.sh; echo $? > .exit-code`;
  const launch = `cd ${commandLine([plan.outputFolder])} && { setsid sh -c ${commandLine([wrapper])} > run.log 2>&1 < /dev/null & } && echo "$!"`;
  const started = await r.host.exec(['sh', '-c', launch]);
  const pid = Number(started.stdout.trim());
  if (started.code !== 0 || !Number.isInteger(pid) || pid <= 1) throw new Error(`The run could not be started on ${r.host.name}: ${started.stderr.trim() || `exit code ${started.code}`}`);
  const record: RunRecord = { ...plan.record, pid };
  await writeRecord(r.host, record);
  return { outputFolder: plan.outputFolder, record, pid, logPath: `${plan.outputFolder}/run.log`, script };
}

/** The status of several background runs on one host, with one command. */
export async function localRunStatus(host: Host, runs: { outputFolder: string; pid: number }[]): Promise<LocalRunStatus[]> {
  if (runs.length === 0) return [];
  const check = 'while [ $# -gt 1 ]; do if [ -f "$1/.exit-code" ]; then echo "exit $(cat "$1/.exit-code")"; elif kill -0 "$2" 2>/dev/null; then echo running; else echo gone; fi; shift 2; done';
  const result = await host.exec(['sh', '-c', check, 'reprolab-status', ...runs.flatMap((r) => [r.outputFolder, String(r.pid)])], { timeoutMs: 60000 });
  const lines = result.stdout.split('\n');
  if (result.code !== 0 || lines.length < runs.length) throw new Error(`Could not ask ${host.name} how its runs are doing: ${result.stderr.trim() || `exit code ${result.code}`}`);
  return runs.map((_, i) => {
    const line = lines[i].trim();
    if (line === 'running') return { state: 'RUNNING' };
    const exit = /^exit (\d+)$/.exec(line);
    // Ended without writing its exit code: it was killed (cancelled, or the machine restarted).
    if (!exit) return { state: 'CANCELLED' };
    const exitCode = Number(exit[1]);
    return { state: exitCode === 0 ? 'COMPLETED' : 'FAILED', exitCode };
  });
}

/** Ends a background run and everything it started: TERM to its process group, KILL 2 s later. */
export async function cancelLocalRun(host: Host, pid: number): Promise<void> {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${pid} is not the process of a run.`);
  const group = `-${pid}`;
  // The kill program, not dash's builtin, which cannot signal a process group.
  const result = await host.exec(['sh', '-c', 'env kill -TERM -- "$1" 2>/dev/null || exit 0; sleep 2; env kill -KILL -- "$1" 2>/dev/null; exit 0', 'reprolab-cancel', group]);
  if (result.code !== 0) throw new Error(`Could not stop the run on ${host.name}: ${result.stderr.trim()}`);
}

/** For logs and the form: the exact command line. */
export function describeCommand(command: string[]): string {
  return commandLine(command);
}
