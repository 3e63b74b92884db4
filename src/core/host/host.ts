/**
 * A machine ReproLab works on: this one (LocalHost) or a cluster's login node over SSH (SshHost).
 * Every command run and every file read or written anywhere goes through this interface.
 */

/** What kind of failure a HostError is, so callers can react without parsing messages. */
export type HostErrorKind =
  | 'not-found' // a file or folder does not exist
  | 'permission' // the user may not read or write it
  | 'exists' // it already exists
  | 'auth' // no authentication method worked
  | 'host-key' // the server's host key is unknown and refused, or has changed
  | 'connection' // the connection could not be made or was lost
  | 'timeout' // the operation took longer than allowed
  | 'cancelled' // the caller cancelled it
  | 'config' // the SSH configuration or settings are wrong
  | 'io'; // any other file or protocol failure

/** A one-sentence, user-facing error from a host, with its kind. */
export class HostError extends Error {
  constructor(
    readonly kind: HostErrorKind,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

export interface ExecOptions {
  /** Bytes (or text) written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  /** Working folder; defaults to the home folder on a cluster and the current one locally. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Cancels the command: it is killed and the call rejects with a 'cancelled' HostError. */
  signal?: AbortSignal;
  /** Kills the command after this many milliseconds and rejects with a 'timeout' HostError. */
  timeoutMs?: number;
}

export interface ExitStatus {
  /** Exit code, or null when the command was killed by a signal. */
  code: number | null;
  /** The signal that ended it, such as 'TERM', or null. */
  signal: string | null;
}

export interface ExecResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

export interface StreamHandlers {
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/** A command whose output arrives as it is written. */
export interface RunningCommand {
  /** Resolves when the command ends; rejects with a HostError when the connection drops or it is cancelled. */
  readonly done: Promise<ExitStatus>;
  /** Ends the command (SIGTERM to its process group); `done` then rejects with 'cancelled'. */
  cancel(): void;
}

export interface FileStat {
  size: number;
  mtime: Date;
  isFile: boolean;
  isDirectory: boolean;
  /** Permission bits, such as 0o644. */
  mode: number;
}

export interface DirEntry extends FileStat {
  name: string;
}

export interface WriteOptions {
  /** Permission bits of the new file; defaults to 0o644. */
  mode?: number;
}

/** A local port that forwards to a host and port as seen from the remote machine. */
export interface PortForward {
  readonly localPort: number;
  close(): Promise<void>;
}

export interface Host {
  /** The cluster name or 'local'. */
  readonly name: string;
  /** Runs a command (argv, never through a shell unless argv asks for one) and collects its output. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a command and hands over its output as it arrives. */
  stream(argv: readonly string[], handlers: StreamHandlers, options?: ExecOptions): RunningCommand;
  readFile(path: string): Promise<Buffer>;
  /** Reads `length` bytes at `offset`; fewer at the end of the file. */
  readRange(path: string, offset: number, length: number): Promise<Buffer>;
  /** Writes a file atomically: readers see the old content or the new, never a part. */
  writeFile(path: string, data: string | Buffer, options?: WriteOptions): Promise<void>;
  stat(path: string): Promise<FileStat>;
  list(path: string): Promise<DirEntry[]>;
  /** Deletes a file (not a folder). */
  remove(path: string): Promise<void>;
  /** The home folder of the user on this host. */
  home(): Promise<string>;
  /** Forwards a local port on 127.0.0.1 to `host:port` as the remote machine sees it. */
  forwardPort(host: string, port: number, localPort?: number): Promise<PortForward>;
  /** Releases connections; the host reconnects on the next call. */
  dispose(): Promise<void>;
}
