import { ExecOptions, ExecResult, ExitStatus, HostError, RunningCommand, StreamHandlers } from './host';

/** Runs a streaming command and collects all of its output: exec() for every Host. */
export async function collectOutput(
  start: (handlers: StreamHandlers, options?: ExecOptions) => RunningCommand,
  options?: ExecOptions,
): Promise<ExecResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const status = await start({ onStdout: (c) => stdout.push(c), onStderr: (c) => stderr.push(c) }, options).done;
  return { ...status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
}

/**
 * Ties a command's end to its caller's AbortSignal and timeout: whichever comes first kills the
 * command and decides how `done` rejects. Returns the promise callers see.
 */
export function superviseCommand(
  what: string,
  exited: Promise<ExitStatus>,
  kill: () => void,
  options: ExecOptions | undefined,
): { done: Promise<ExitStatus>; cancel: () => void } {
  let settle!: { resolve: (s: ExitStatus) => void; reject: (e: unknown) => void };
  const done = new Promise<ExitStatus>((resolve, reject) => (settle = { resolve, reject }));
  let reason: HostError | undefined;
  let finished = false;
  const stop = (error: HostError) => {
    if (finished || reason) return;
    reason = error;
    kill();
  };
  const cancel = () => stop(new HostError('cancelled', `${what} was cancelled.`));
  const onAbort = () => cancel();
  options?.signal?.addEventListener('abort', onAbort, { once: true });
  // setTimeout fires at once for delays past 2^31-1 ms: anything that long means "no limit".
  const limit = options?.timeoutMs;
  const timer = limit !== undefined && Number.isFinite(limit) && limit > 0 && limit <= 2 ** 31 - 1
    ? setTimeout(() => stop(new HostError('timeout', `${what} did not finish within ${Math.max(1, Math.round(limit / 1000))} s and was stopped.`)), limit)
    : undefined;
  if (options?.signal?.aborted) cancel();
  exited.then(
    (status) => {
      finished = true;
      cleanup();
      if (reason) settle.reject(reason);
      else settle.resolve(status);
    },
    (error) => {
      finished = true;
      cleanup();
      settle.reject(reason ?? error);
    },
  );
  function cleanup() {
    if (timer) clearTimeout(timer);
    options?.signal?.removeEventListener('abort', onAbort);
  }
  return { done, cancel };
}
