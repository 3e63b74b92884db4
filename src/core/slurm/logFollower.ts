/**
 * The LogFollower: a job's log followed over the host connection by byte offset. Only new bytes
 * are read, never the whole file again; a dropped connection resumes at the last offset, so what
 * the caller receives ends up equal to the file, nothing missing or doubled.
 */
import { Host, HostError } from '../host/host';

export interface FollowOptions {
  /** Receives each new piece of the file, in order. */
  onData: (chunk: Buffer) => void;
  /** Whether the job has ended (the follower then stops once the file stops growing). */
  jobEnded: () => boolean | Promise<boolean>;
  /** Told once when the follower starts waiting (the file is not there yet, the link is down), again after data came. */
  onWait?: (why: 'no-file' | 'reconnecting', error?: Error) => void;
  /** Resumes at this offset (bytes already received). */
  offset?: number;
  signal?: AbortSignal;
  /** Polling interval while the file grows; it slows to maxPollMs while nothing changes. */
  minPollMs?: number;
  maxPollMs?: number;
  /** Largest single read. */
  chunkBytes?: number;
}

export interface FollowResult {
  /** The offset reached: the size of the file as received. */
  offset: number;
  /** Bytes read from the host. */
  bytesRead: number;
  /** Host calls made (stat and read), for the bench. */
  calls: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });

/** Follows `path` on `host` until the job has ended and the file stops growing, or `signal` aborts. */
export async function followLog(host: Host, path: string, options: FollowOptions): Promise<FollowResult> {
  const minPoll = options.minPollMs ?? 250;
  const maxPoll = options.maxPollMs ?? 2000;
  const chunk = options.chunkBytes ?? 1 << 20;
  const result: FollowResult = { offset: options.offset ?? 0, bytesRead: 0, calls: 0 };
  let delay = minPoll;
  let reconnectDelay = minPoll;
  // One more look after the job has ended: its last lines may reach the file a moment later.
  let quietAfterEnd = 0;
  let waitingFor: string | undefined;
  const wait = (why: 'no-file' | 'reconnecting', error?: Error) => {
    if (waitingFor !== why) options.onWait?.(why, error);
    waitingFor = why;
  };
  while (!options.signal?.aborted) {
    try {
      const grew = await readNew();
      reconnectDelay = minPoll;
      waitingFor = undefined;
      if (grew) {
        delay = minPoll;
        quietAfterEnd = 0;
        continue;
      }
      if (await options.jobEnded()) {
        if (++quietAfterEnd >= 2) break;
      }
      delay = Math.min(maxPoll, Math.round(delay * 1.5));
      await sleep(delay, options.signal);
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      if (err.kind === 'not-found') {
        // Pending, or Slurm has not opened the log yet; a job that ended without a log has none.
        if (await options.jobEnded()) {
          if (++quietAfterEnd >= 2) throw new HostError('not-found', `The job ended without writing its log ${path}: check the job's --output path and that its folder exists.`);
        }
        wait('no-file');
        await sleep(maxPoll, options.signal);
      } else if (err.kind === 'connection' || err.kind === 'timeout') {
        // The host reconnects on the next call; wait a little longer each time.
        wait('reconnecting', err);
        await sleep(reconnectDelay, options.signal);
        reconnectDelay = Math.min(reconnectDelay * 2, 10_000);
      } else {
        throw err;
      }
    }
  }
  return result;

  /** Reads what was added since the offset; true when anything was. */
  async function readNew(): Promise<boolean> {
    result.calls++;
    const { size } = await host.stat(path);
    if (size < result.offset) {
      throw new HostError('io', `${path} became shorter while it was followed (it was replaced or truncated); open the log again to read it from the start.`);
    }
    let grew = false;
    while (result.offset < size && !options.signal?.aborted) {
      result.calls++;
      const data = await host.readRange(path, result.offset, Math.min(chunk, size - result.offset));
      if (data.length === 0) break;
      // The offset moves only after the bytes are handed over, so a cut read is read again whole.
      options.onData(data);
      result.offset += data.length;
      result.bytesRead += data.length;
      grew = true;
    }
    return grew;
  }
}
