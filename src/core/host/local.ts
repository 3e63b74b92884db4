import { spawn } from 'child_process';
import { constants, promises as fs, statSync } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { quoteArg } from '../shell';
import { DirEntry, ExecOptions, ExitStatus, FileStat, Host, HostError, PortForward, RunningCommand, StreamHandlers, WriteOptions } from './host';
import { collectOutput, superviseCommand } from './running';

/** This machine: commands through child_process (no shell unless argv asks for one), files through fs. */
export class LocalHost implements Host {
  readonly name = 'local';

  exec(argv: readonly string[], options?: ExecOptions) {
    return collectOutput((handlers, opts) => this.stream(argv, handlers, opts), options);
  }

  stream(argv: readonly string[], handlers: StreamHandlers, options?: ExecOptions): RunningCommand {
    if (argv.length === 0) throw new HostError('config', 'No command to run.');
    for (const arg of argv) quoteArg(arg); // the same NUL check as every other command line
    const what = `${argv[0]}`;
    if (options?.cwd !== undefined) {
      let stat: import('fs').Stats | undefined;
      try {
        stat = statSync(options.cwd);
      } catch {
        stat = undefined;
      }
      if (!stat?.isDirectory()) {
        const error = new HostError('not-found', `The working folder ${options.cwd} ${stat ? 'is not a folder' : 'does not exist'} on this machine.`);
        return { done: Promise.reject(error), cancel: () => undefined };
      }
    }
    // detached: the command leads its own process group, so cancel() ends its children too.
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options?.cwd,
      env: options?.env ? { ...process.env, ...options.env } : process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => handlers.onStdout?.(chunk));
    child.stderr.on('data', (chunk: Buffer) => handlers.onStderr?.(chunk));
    child.stdin.on('error', () => undefined); // a command that exits without reading stdin is fine
    if (options?.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
    const exited = new Promise<ExitStatus>((resolve, reject) => {
      child.on('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'ENOENT'
          ? new HostError('not-found', `${argv[0]} was not found on this machine: install it or put it on PATH.`, err)
          : new HostError('io', `${argv[0]} could not be started: ${err.message}`, err));
      });
      child.on('close', (code, signal) => resolve({ code, signal: signal ? signal.replace(/^SIG/, '') : null }));
    });
    let closed = false;
    child.on('close', () => (closed = true));
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    // TERM first; a command that ignores it, or a grandchild holding the pipes, gets KILL after 2 s.
    const kill = () => {
      signalGroup('SIGTERM');
      setTimeout(() => {
        if (closed) return;
        signalGroup('SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
      }, 2000).unref();
    };
    return superviseCommand(what, exited, kill, options);
  }

  async readFile(file: string): Promise<Buffer> {
    const handle = await openRegularFile(file);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readRange(file: string, offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length);
    const handle = await openRegularFile(file);
    try {
      const size = (await handle.stat()).size;
      const wanted = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async writeFile(target: string, data: string | Buffer, options?: WriteOptions): Promise<void> {
    // Through a symlink, the file it points to is replaced, as an editor would.
    const file = await fs.realpath(target).catch(() => target);
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.reprolab-${process.pid}-${Date.now()}`);
    try {
      await fs.writeFile(temp, data, { mode: options?.mode ?? 0o644 });
      await fs.chmod(temp, options?.mode ?? 0o644); // the umask must not loosen or tighten what was asked
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw fileError(err, file);
    }
  }

  async stat(file: string): Promise<FileStat> {
    const s = await fs.stat(file).catch((err) => { throw fileError(err, file); });
    return { size: s.size, mtime: s.mtime, isFile: s.isFile(), isDirectory: s.isDirectory(), mode: s.mode & 0o7777 };
  }

  async list(dir: string): Promise<DirEntry[]> {
    const names = await fs.readdir(dir).catch((err) => { throw fileError(err, dir); });
    const entries: DirEntry[] = [];
    for (const name of names.sort()) {
      try {
        entries.push({ name, ...(await this.stat(path.join(dir, name))) });
      } catch {
        // An entry that vanished or is a dangling link is not listed.
      }
    }
    return entries;
  }

  async remove(file: string): Promise<void> {
    await fs.unlink(file).catch((err) => { throw fileError(err, file); });
  }

  async home(): Promise<string> {
    return os.homedir();
  }

  async forwardPort(host: string, port: number, localPort = 0): Promise<PortForward> {
    checkPorts(port, localPort);
    return listenForward(localPort, (socket) => {
      const upstream = net.connect(port, host);
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
  }

  async dispose(): Promise<void> {}
}

/** Listens on 127.0.0.1 and hands each connection to `connect`; shared by both hosts' forwards. */
export function listenForward(localPort: number, connect: (socket: net.Socket) => void): Promise<PortForward> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    connect(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new HostError('io', err.code === 'EADDRINUSE' ? `Local port ${localPort} is in use: choose another.` : `Could not listen on a local port: ${err.message}`, err)));
    server.listen(localPort, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        localPort: address.port,
        close: () => new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

/** Ports must be whole numbers in range (0 for the local one means "any free port"). */
export function checkPorts(port: number, localPort: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HostError('config', `Cannot forward to port ${port}: a port is a whole number from 1 to 65535.`);
  if (!Number.isInteger(localPort) || localPort < 0 || localPort > 65535) throw new HostError('config', `Cannot listen on local port ${localPort}: a port is a whole number from 0 to 65535.`);
}

export function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new HostError('io', `Cannot read ${length} bytes at offset ${offset}: both must be whole numbers of at least 0.`);
  }
}

/** Maps a Node file-system error to a HostError that names the file and what to do. */
/**
 * Opens a file for reading, refusing a folder, a pipe or a device with one sentence. O_NONBLOCK
 * keeps open() from waiting forever on a FIFO nobody writes to; it changes nothing for a file.
 */
export async function openRegularFile(file: string): Promise<fs.FileHandle> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((err) => { throw fileError(err, file); });
  const stat = await handle.stat();
  if (stat.isFile()) return handle;
  await handle.close();
  throw new HostError('io', stat.isDirectory() ? `${file} is a folder, not a file: give the path of a file.` : `${file} is not a regular file (a pipe or a device): give the path of a file.`);
}

export function fileError(err: unknown, file: string): HostError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new HostError('not-found', `${file} does not exist.`, err);
    case 'EACCES':
    case 'EPERM':
      return new HostError('permission', `${file} cannot be accessed: check its permissions, or run as a user who may read it.`, err);
    case 'EEXIST':
      return new HostError('exists', `${file} already exists.`, err);
    case 'ENOTDIR':
      return new HostError('not-found', `A part of ${file} is not a folder.`, err);
    case 'EISDIR':
      return new HostError('io', `${file} is a folder, not a file: give the path of a file.`, err);
    default:
      return new HostError('io', `${file}: ${(err as Error)?.message ?? String(err)}`, err);
  }
}
