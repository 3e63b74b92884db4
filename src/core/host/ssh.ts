import { promises as fs } from 'fs';
import * as path from 'path';
import { Client, ConnectConfig, SFTPWrapper, utils } from 'ssh2';
import type { Duplex } from 'stream';
import { commandLine, envAssignments, quoteArg } from '../shell';
import { DirEntry, ExecOptions, ExitStatus, FileStat, Host, HostError, PortForward, RunningCommand, StreamHandlers, WriteOptions } from './host';
import { appendKnownHost, changedKeyWarning, fingerprintSha256, keyTypeLabel, keyTypeOf, knownHostsLine, knownHostsName, loadKnownHosts, verifyHostKey } from './knownHosts';
import { checkPorts, checkRange, listenForward } from './local';
import { collectOutput, superviseCommand } from './running';
import { resolveSshTarget, SshConfigContext, SshTarget } from './sshConfig';

/** A question for the user during login. */
export interface PromptRequest {
  kind: 'password' | 'passphrase' | 'keyboard-interactive';
  /** Stable name of the secret, for remembering it: `password:user@host:port`, `passphrase:/path/key`. */
  id: string;
  title: string;
  prompt: string;
  /** Whether the answer may be shown while typed. */
  echo: boolean;
  instructions?: string;
  /** 1 on the first ask; higher when an earlier answer was wrong. */
  attempt: number;
  /** Whether the answer may be remembered (never for one-time codes). */
  rememberable: boolean;
}

export interface HostKeyRequest {
  host: string;
  keyType: string;
  fingerprint: string;
  /** The OpenSSH-style question, ready to show. */
  message: string;
}

/** How a Host talks to the person at the keyboard: input boxes in VS Code, a terminal in the CLI. */
export interface SshPrompter {
  /** Answers a question, or undefined when the user cancels. */
  prompt(request: PromptRequest): Promise<string | undefined>;
  /** Whether to trust and remember a host key seen for the first time. */
  confirmHostKey(request: HostKeyRequest): Promise<boolean>;
  /** The secrets that led to a successful login, so a prompter may remember them. */
  loginSucceeded?(ids: string[]): void;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'failed';

export interface SshHostOptions {
  /** The cluster name shown to the user. */
  name: string;
  /** Host alias from ~/.ssh/config, or [user@]host[:port]. */
  destination: string;
  context: SshConfigContext;
  prompter: SshPrompter;
  log?: (line: string) => void;
  onStateChange?: (state: ConnectionState, error?: HostError) => void;
  /** Connection attempts after a drop or a refused connection, with doubling delays. */
  reconnectAttempts?: number;
  reconnectBaseDelayMs?: number;
}

interface Connection {
  client: Client;
  hops: Client[];
  sftp?: Promise<SFTPWrapper>;
  /** Called when the connection drops, so work in flight fails instead of hanging. */
  onDrop: Set<(error: HostError) => void>;
  alive: boolean;
}

const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const READ_CHUNK = 64 * 1024;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
// Long enough for a person to answer a second-factor prompt; the network part has its own timeout.
const LOGIN_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * A cluster's login node over SSH (ssh2): one connection per host, every command, file and port
 * forward multiplexed over it, so a second factor is asked once per session. Reconnects with
 * backoff after the link drops; work in flight then fails with a 'connection' HostError.
 */
export class SshHost implements Host {
  readonly name: string;
  private current?: Promise<Connection>;
  private state: ConnectionState = 'disconnected';
  private disposed = false;

  constructor(private readonly options: SshHostOptions) {
    this.name = options.name;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Connects now (asking for credentials as needed); later calls reuse the connection. */
  async connect(): Promise<void> {
    await this.connection();
  }

  exec(argv: readonly string[], options?: ExecOptions) {
    return collectOutput((handlers, opts) => this.stream(argv, handlers, opts), options);
  }

  stream(argv: readonly string[], handlers: StreamHandlers, options?: ExecOptions): RunningCommand {
    const remote = remoteCommandLine(argv, options);
    const what = `${argv[0]} on ${this.name}`;
    let pid: number | undefined;
    let killRequested = false;
    let ended = false;
    // sshd ignores channel signals and closes a channel only when its command ends, so a command
    // is ended by a TERM to its process group, sent over a second channel, and a KILL 2 s later.
    const killNow = (target: number) => {
      this.killGroup(target, 'TERM');
      setTimeout(() => {
        if (!ended) this.killGroup(target, 'KILL');
      }, 2000).unref();
    };
    const kill = () => {
      if (killRequested) return;
      killRequested = true;
      if (pid) killNow(pid);
    };
    const exited = this.checkWorkingFolder(options?.cwd).then(() => this.connection()).then((connection) => new Promise<ExitStatus>((resolve, reject) => {
      connection.client.exec(remote, (err, ch) => {
        if (err) return reject(this.channelError(err, what));
        // Listen before this callback returns: a quick command's exit status can arrive in the same
        // packet batch as the channel confirmation, before any awaited continuation would run.
        let status: ExitStatus | undefined;
        const onDrop = (error: HostError) => reject(new HostError('connection', `The connection to ${this.name} was lost while ${argv[0]} was running; its output may be incomplete.`, error));
        connection.onDrop.add(onDrop);
        ch.on('data', (chunk: Buffer) => handlers.onStdout?.(chunk));
        const stderr = new PidLineFilter((found) => {
          pid = found;
          if (killRequested) killNow(found);
        }, (chunk) => handlers.onStderr?.(chunk));
        ch.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        ch.on('exit', (code: number | null, signal?: string) => {
          status = { code: typeof code === 'number' ? code : null, signal: signal ? signal.replace(/^SIG/, '') : null };
        });
        ch.on('close', () => {
          ended = true;
          stderr.end();
          connection.onDrop.delete(onDrop);
          if (status) resolve(status);
          else onDrop(new HostError('connection', 'channel closed without an exit status'));
        });
        if (options?.stdin !== undefined) ch.end(options.stdin);
        else ch.end();
      });
    }));
    return superviseCommand(what, exited, kill, options);
  }

  /** A missing working folder is a clear error, not a shell's "can't cd" with exit code 1. */
  private async checkWorkingFolder(cwd: string | undefined): Promise<void> {
    if (cwd === undefined) return;
    const stat = await this.stat(cwd).catch((err: HostError) => {
      if (err.kind === 'not-found') throw new HostError('not-found', `The working folder ${cwd} does not exist on ${this.name}.`, err);
      throw err;
    });
    if (!stat.isDirectory) throw new HostError('not-found', `The working folder ${cwd} is not a folder on ${this.name}.`);
  }

  private killGroup(pid: number, signal: 'TERM' | 'KILL'): void {
    this.exec(['kill', `-${signal}`, '--', `-${pid}`]).catch((err) => this.log(`could not stop process group ${pid}: ${(err as Error).message}`));
  }

  async readFile(file: string): Promise<Buffer> {
    const size = (await this.stat(file)).size;
    return this.readRange(file, 0, size);
  }

  async readRange(file: string, offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length);
    const sftp = await this.sftp();
    const handle = await new Promise<Buffer>((resolve, reject) =>
      sftp.open(file, 'r', (err, h) => (err ? reject(this.sftpError(err, file)) : resolve(h))),
    );
    try {
      const size = await new Promise<number>((resolve, reject) =>
        sftp.fstat(handle, (err, attrs) => (err ? reject(this.sftpError(err, file)) : resolve(attrs.size))),
      );
      // Never allocate more than the file holds, whatever length was asked for.
      const wanted = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.alloc(wanted);
      let filled = 0;
      while (filled < wanted) {
        const n = await new Promise<number>((resolve, reject) =>
          sftp.read(handle, buffer, filled, Math.min(READ_CHUNK, wanted - filled), offset + filled, (err, bytesRead) =>
            err ? reject(this.sftpError(err, file)) : resolve(bytesRead)),
        );
        if (n === 0) break;
        filled += n;
      }
      return buffer.subarray(0, filled);
    } finally {
      sftp.close(handle, () => undefined);
    }
  }

  async writeFile(file: string, data: string | Buffer, options?: WriteOptions): Promise<void> {
    const sftp = await this.sftp();
    const mode = options?.mode ?? 0o644;
    const temp = path.posix.join(path.posix.dirname(file), `.${path.posix.basename(file)}.reprolab-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    try {
      await new Promise<void>((resolve, reject) =>
        sftp.writeFile(temp, data, { mode }, (err) => (err ? reject(this.sftpError(err, file)) : resolve())),
      );
      await new Promise<void>((resolve, reject) => sftp.chmod(temp, mode, (err) => (err ? reject(this.sftpError(err, file)) : resolve())));
      // posix-rename replaces the target in one step, as rename(2) does.
      await new Promise<void>((resolve, reject) =>
        sftp.ext_openssh_rename(temp, file, (err) => (err ? reject(this.sftpError(err, file)) : resolve())),
      );
    } catch (err) {
      sftp.unlink(temp, () => undefined);
      throw err;
    }
  }

  async stat(file: string): Promise<FileStat> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) =>
      sftp.stat(file, (err, attrs) => (err ? reject(this.sftpError(err, file)) : resolve(toFileStat(attrs)))),
    );
  }

  async list(dir: string): Promise<DirEntry[]> {
    const sftp = await this.sftp();
    const entries = await new Promise<{ filename: string; attrs: { mode: number; size: number; mtime: number } }[]>((resolve, reject) =>
      sftp.readdir(dir, (err, list) => (err ? reject(this.sftpError(err, dir)) : resolve(list))),
    );
    const result: DirEntry[] = [];
    for (const entry of entries) {
      if (entry.filename === '.' || entry.filename === '..') continue;
      if ((entry.attrs.mode & S_IFMT) === S_IFLNK) {
        try {
          result.push({ name: entry.filename, ...(await this.stat(path.posix.join(dir, entry.filename))) });
        } catch {
          // A dangling link is not listed.
        }
      } else {
        result.push({ name: entry.filename, ...toFileStat(entry.attrs) });
      }
    }
    return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async remove(file: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => sftp.unlink(file, (err) => (err ? reject(this.sftpError(err, file)) : resolve())));
  }

  async home(): Promise<string> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.realpath('.', (err, p) => (err ? reject(this.sftpError(err, '~')) : resolve(p))));
  }

  async forwardPort(host: string, port: number, localPort = 0): Promise<PortForward> {
    checkPorts(port, localPort);
    await this.connection(); // log in before the first local connection arrives
    return listenForward(localPort, (socket) => {
      this.connection()
        .then((connection) =>
          connection.client.forwardOut('127.0.0.1', socket.remotePort ?? 0, host, port, (err, channel) => {
            if (err) {
              this.log(`forward to ${host}:${port} refused: ${err.message}`);
              socket.destroy();
              return;
            }
            socket.pipe(channel).pipe(socket);
            channel.on('close', () => socket.destroy());
            socket.on('close', () => channel.close());
            socket.on('error', () => channel.close());
          }),
        )
        .catch(() => socket.destroy());
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const current = this.current;
    this.current = undefined;
    if (current) {
      const connection = await current.catch(() => undefined);
      if (connection) closeConnection(connection);
    }
    this.setState('disconnected');
  }

  /** Closes the connection; the next call connects again. */
  async disconnect(): Promise<void> {
    await this.dispose();
    this.disposed = false;
  }

  // --- connection -----------------------------------------------------------------------------

  private connection(): Promise<Connection> {
    if (this.disposed) return Promise.reject(new HostError('cancelled', `The connection to ${this.name} was closed.`));
    if (!this.current) {
      const attempt = this.connectWithRetries();
      this.current = attempt;
      attempt.catch(() => {
        if (this.current === attempt) this.current = undefined;
      });
    }
    return this.current;
  }

  private async connectWithRetries(): Promise<Connection> {
    const attempts = this.options.reconnectAttempts ?? 4;
    const base = this.options.reconnectBaseDelayMs ?? 500;
    this.setState('connecting');
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await this.open();
        this.setState('connected');
        return connection;
      } catch (err) {
        const error = err instanceof HostError ? err : new HostError('connection', `Could not connect to ${this.name}: ${(err as Error).message}`, err);
        const retriable = error.kind === 'connection' || error.kind === 'timeout';
        if (!retriable || attempt >= attempts || this.disposed) {
          this.setState('failed', error);
          throw error;
        }
        const delay = Math.min(base * 2 ** (attempt - 1), 8000);
        this.log(`${error.message} Trying again in ${delay} ms (attempt ${attempt + 1} of ${attempts}).`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async open(): Promise<Connection> {
    const target = await resolveSshTarget(this.options.destination, this.options.context);
    for (const note of target.notes) this.log(note);
    // ProxyJump: log in to each hop through a channel forwarded by the one before it.
    const chain = [...target.proxyJump, target];
    const hops: Client[] = [];
    let sock: Duplex | undefined;
    try {
      for (const [i, hop] of chain.slice(0, -1).entries()) {
        const client = await this.login(hop, sock);
        hops.push(client);
        sock = await forwardOut(client, chain[i + 1].hostName, chain[i + 1].port, hop);
      }
      const client = await this.login(target, sock);
      const connection: Connection = { client, hops, onDrop: new Set(), alive: true };
      const dropped = (reason: string) => {
        if (!connection.alive) return;
        connection.alive = false;
        const error = new HostError('connection', `The connection to ${this.name} was lost (${reason}).`);
        this.log(error.message);
        for (const notify of [...connection.onDrop]) notify(error);
        connection.onDrop.clear();
        closeConnection(connection);
        this.current?.then((c) => {
          if (c === connection) {
            this.current = undefined;
            if (!this.disposed) this.setState('disconnected', error);
          }
        }, () => undefined);
      };
      client.on('close', () => dropped('closed'));
      client.on('end', () => dropped('ended by the server'));
      client.on('error', (err) => dropped(err.message));
      for (const hopClient of hops) hopClient.on('close', () => dropped('a jump host closed'));
      return connection;
    } catch (err) {
      for (const hop of hops) hop.end();
      throw err;
    }
  }

  /** Connects and logs in to one hop: host key check, then agent, keys, keyboard-interactive, password. */
  private login(target: SshTarget, sock?: Duplex): Promise<Client> {
    const where = `${target.user}@${target.hostName}${target.port === 22 ? '' : `:${target.port}`}`;
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let refusal: HostError | undefined;
      let settled = false;
      const usedSecrets: string[] = [];
      const fail = (error: HostError) => {
        if (settled) return;
        settled = true;
        clearTimeout(handshakeTimer);
        client.end();
        reject(error);
      };
      // The network part (TCP, key exchange) must finish within ConnectTimeout; prompts may take longer.
      const handshakeTimer = setTimeout(
        () => fail(new HostError('timeout', `${target.hostName} did not answer within ${target.connectTimeout} s: check the host name, the network or the VPN.`)),
        target.connectTimeout * 1000,
      );
      client.once('handshake', () => clearTimeout(handshakeTimer));
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        clearTimeout(handshakeTimer);
        this.log(`logged in to ${where}`);
        if (usedSecrets.length) this.options.prompter.loginSucceeded?.(usedSecrets);
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => fail(refusal ?? this.connectError(err, target)));
      client.on('close', () => fail(refusal ?? new HostError('connection', `${target.hostName} closed the connection during login.`)));
      const config: ConnectConfig = {
        host: target.hostName,
        port: target.port,
        username: target.user,
        sock: sock as ConnectConfig['sock'],
        readyTimeout: LOGIN_TIMEOUT_MS,
        keepaliveInterval: target.serverAliveInterval * 1000,
        keepaliveCountMax: target.serverAliveCountMax,
        hostVerifier: ((key: Buffer, verify: (ok: boolean) => void) => {
          this.checkHostKey(target, key).then(
            () => verify(true),
            (error: HostError) => {
              refusal = error;
              verify(false);
            },
          );
        }) as unknown as ConnectConfig['hostVerifier'],
        authHandler: this.authHandler(target, usedSecrets, (error) => (refusal = error)) as ConnectConfig['authHandler'],
      };
      client.connect(config);
      // Small request/response exchanges otherwise wait on Nagle and delayed ACKs (~40 ms each).
      if (!sock) client.setNoDelay(true);
    });
  }

  private async checkHostKey(target: SshTarget, key: Buffer): Promise<void> {
    const keyType = keyTypeOf(key);
    const entries = await loadKnownHosts(target.userKnownHostsFiles);
    // OpenSSH lower-cases host names, so its (hashed) known_hosts entries are of the lower-case name.
    const hostName = target.hostName.toLowerCase();
    const verdict = verifyHostKey(entries, hostName, target.port, keyType, key);
    const name = knownHostsName(hostName, target.port);
    if (verdict.status === 'known') return;
    if (verdict.status === 'changed') {
      const warning = changedKeyWarning(hostName, target.port, keyType, key, verdict.entry);
      this.log(warning);
      throw new HostError('host-key', `The host key of ${name} has changed, so ReproLab did not connect: someone may be intercepting the connection, or the key was replaced; ask the cluster's administrators, then remove the old key with ssh-keygen -R '${name}'.`, warning);
    }
    if (verdict.status === 'revoked') {
      throw new HostError('host-key', `The host key of ${name} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}; ReproLab will not connect.`);
    }
    const fingerprint = fingerprintSha256(key);
    if (target.strictHostKeyChecking === 'yes') {
      throw new HostError('host-key', `${name} is not in your known_hosts and StrictHostKeyChecking is yes: add its key with ssh-keyscan or connect once with ssh.`);
    }
    if (target.strictHostKeyChecking === 'ask') {
      const others = verdict.otherTypes.length ? `\nThis host is already known with ${verdict.otherTypes.map(keyTypeLabel).join(', ')} keys.` : '';
      const message = `The authenticity of host '${name}' can't be established.\n${keyTypeLabel(keyType)} key fingerprint is ${fingerprint}.${others}\nAre you sure you want to continue connecting?`;
      const trusted = await this.options.prompter.confirmHostKey({ host: name, keyType, fingerprint, message });
      if (!trusted) throw new HostError('host-key', `Host key verification for ${name} was declined (${fingerprint}).`);
    }
    const file = target.userKnownHostsFiles[0];
    await appendKnownHost(file, knownHostsLine(hostName, target.port, keyType, key));
    this.log(`Permanently added '${name}' (${keyTypeLabel(keyType)}) to the list of known hosts in ${file}.`);
  }

  private authHandler(target: SshTarget, usedSecrets: string[], refuse: (e: HostError) => void) {
    const where = `${target.user}@${knownHostsName(target.hostName, target.port)}`;
    const prompter = this.options.prompter;
    let cancelled = false;
    const cancel = () => {
      cancelled = true;
      refuse(new HostError('cancelled', `Login to ${where} was cancelled.`));
    };
    /** One way to log in; `build` returns ssh2's method object, or undefined to skip it. */
    interface Method { type: string; tries: number; maxTries: number; build: (attempt: number) => Promise<unknown | undefined> }
    const method = (type: string, maxTries: number, build: Method['build']): Method => ({ type, tries: 0, maxTries, build });
    const queue: Method[] = [];
    // OpenSSH's order: agent, key files, keyboard-interactive (how second factors arrive), password.
    if (target.identityAgent && !target.identitiesOnly) {
      queue.push(method('publickey', 1, async () => ({ type: 'agent', username: target.user, agent: target.identityAgent })));
    }
    for (const file of target.identityFiles) queue.push(method('publickey', 1, () => this.keyMethod(file, target, usedSecrets)));
    queue.push(method('keyboard-interactive', 3, async (attempt) => ({
      type: 'keyboard-interactive',
      username: target.user,
      prompt: (name: string, instructions: string, _lang: string, prompts: { prompt: string; echo?: boolean }[], finish: (answers: string[]) => void) => {
        (async () => {
          const answers: string[] = [];
          for (const p of prompts) {
            // A password asked this way may be remembered; a one-time code never is.
            const rememberable = !p.echo && /password/i.test(p.prompt);
            const id = `password:${where}`;
            const answer = await prompter.prompt({ kind: 'keyboard-interactive', id, title: name || `Log in to ${where}`, prompt: p.prompt.trim(), echo: !!p.echo, instructions: instructions || undefined, attempt, rememberable });
            if (answer === undefined) return cancel();
            if (rememberable && !usedSecrets.includes(id)) usedSecrets.push(id);
            answers.push(answer);
          }
          return answers;
        })().then((answers) => finish(answers ?? []), () => finish([]));
      },
    })));
    queue.push(method('password', 3, async (attempt) => {
      const id = `password:${where}`;
      const password = await prompter.prompt({ kind: 'password', id, title: `Log in to ${where}`, prompt: `Password for ${where}`, echo: false, attempt, rememberable: true });
      if (password === undefined) return cancel();
      if (!usedSecrets.includes(id)) usedSecrets.push(id);
      return { type: 'password', username: target.user, password };
    }));

    return (methodsLeft: string[] | null, _partialSuccess: boolean | null, next: (method: unknown) => void) => {
      (async () => {
        if (methodsLeft === null) return next({ type: 'none', username: target.user });
        while (!cancelled && queue.length) {
          const head = queue[0];
          if (!methodsLeft.includes(head.type) || head.tries >= head.maxTries) {
            queue.shift();
            continue;
          }
          head.tries++;
          const built = await head.build(head.tries);
          if (built && !cancelled) return next(built);
        }
        if (!cancelled) refuse(new HostError('auth', `Could not log in to ${where}: none of the methods tried worked (the server offers ${methodsLeft.join(', ')}). Check your key, agent or password.`));
        next(false);
      })().catch((err) => {
        refuse(err instanceof HostError ? err : new HostError('auth', `Login to ${where} failed: ${(err as Error).message}`, err));
        next(false);
      });
    };
  }

  private async keyMethod(file: string, target: SshTarget, usedSecrets: string[]): Promise<unknown | undefined> {
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (err) {
      if (target.identityFilesExplicit && (err as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`identity file ${file} cannot be read: ${(err as Error).message}`);
      else if (target.identityFilesExplicit) this.log(`identity file ${file} does not exist`);
      return undefined;
    }
    let parsed = utils.parseKey(data);
    if (!(parsed instanceof Error)) return { type: 'publickey', username: target.user, key: Array.isArray(parsed) ? parsed[0] : parsed };
    if (!/encrypted|passphrase/i.test(parsed.message)) {
      this.log(`identity file ${file} is not a private key ReproLab can read: ${parsed.message}`);
      return undefined;
    }
    const id = `passphrase:${file}`;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const passphrase = await this.options.prompter.prompt({ kind: 'passphrase', id, title: 'Unlock SSH key', prompt: `Passphrase for key '${file}'`, echo: false, attempt, rememberable: true });
      if (passphrase === undefined) return undefined;
      parsed = utils.parseKey(data, passphrase);
      if (!(parsed instanceof Error)) {
        usedSecrets.push(id);
        return { type: 'publickey', username: target.user, key: Array.isArray(parsed) ? parsed[0] : parsed };
      }
    }
    this.log(`wrong passphrase for ${file} three times; skipping the key`);
    return undefined;
  }

  private connectError(err: Error & { level?: string; code?: string }, target: SshTarget): HostError {
    const where = knownHostsName(target.hostName, target.port);
    if (err.level === 'client-authentication' || /too many authentication failures/i.test(err.message)) return new HostError('auth', `Could not log in to ${target.user}@${where}: no authentication method worked. Check your key, agent or password.`, err);
    if (err.level === 'client-timeout') return new HostError('timeout', `Login to ${where} timed out.`, err);
    switch (err.code) {
      case 'ECONNREFUSED':
        return new HostError('connection', `${where} refused the connection: check HostName and Port for ${target.alias} in ~/.ssh/config.`, err);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new HostError('connection', `The host name ${target.hostName} was not found: check HostName for ${target.alias}, or your network and VPN.`, err);
      case 'ECONNRESET':
      case 'EPIPE':
        return new HostError('connection', `${where} dropped the connection during login.`, err);
      default:
        return new HostError('connection', `Could not connect to ${where}: ${err.message}`, err);
    }
  }

  private async sftp(): Promise<SFTPWrapper> {
    const connection = await this.connection();
    if (!connection.sftp) {
      const opening = new Promise<SFTPWrapper>((resolve, reject) =>
        connection.client.sftp((err, sftp) => {
          if (err) return reject(this.channelError(err, 'SFTP'));
          sftp.on('close', () => {
            if (connection.sftp === opening) connection.sftp = undefined;
          });
          resolve(sftp);
        }),
      );
      connection.sftp = opening;
      opening.catch(() => {
        if (connection.sftp === opening) connection.sftp = undefined;
      });
    }
    return connection.sftp;
  }

  private sftpError(err: Error & { code?: number }, file: string): HostError {
    if (err.code === SFTP_NO_SUCH_FILE) return new HostError('not-found', `${file} does not exist on ${this.name}.`, err);
    if (err.code === SFTP_PERMISSION_DENIED) return new HostError('permission', `${file} cannot be accessed on ${this.name}: check its permissions.`, err);
    if (/No response from server|not connected|closed/i.test(err.message)) return new HostError('connection', `The connection to ${this.name} was lost while reading ${file}.`, err);
    return new HostError('io', `${file} on ${this.name}: ${err.message}`, err);
  }

  private channelError(err: Error, what: string): HostError {
    if (/not connected|No response|closed/i.test(err.message)) return new HostError('connection', `The connection to ${this.name} was lost before ${what} started.`, err);
    return new HostError('io', `${what} could not start on ${this.name}: ${err.message}`, err);
  }

  private setState(state: ConnectionState, error?: HostError): void {
    if (this.state === state && !error) return;
    this.state = state;
    this.options.onStateChange?.(state, error);
  }

  private log(line: string): void {
    this.options.log?.(`[${this.name}] ${line}`);
  }
}

const PID_MARKER = 'reprolab-pid:';

/**
 * The command line sent to the remote login shell: it reports the session's PID on stderr (sshd
 * makes each session its own process group), changes folder, sets the environment, then `exec`s
 * the command so that a TERM to the group ends it and its children.
 */
export function remoteCommandLine(argv: readonly string[], options?: Pick<ExecOptions, 'cwd' | 'env'>): string {
  const parts: string[] = [`printf '${PID_MARKER}%s\\n' "$$" >&2;`];
  // `cd -` means the previous folder even after `--`: a folder named like an option gets ./ first.
  if (options?.cwd) parts.push(`cd -- ${quoteArg(options.cwd.startsWith('-') ? `./${options.cwd}` : options.cwd)} || exit 1;`);
  if (options?.env && Object.keys(options.env).length) parts.push(`export ${envAssignments(options.env)};`);
  parts.push('exec', commandLine(argv));
  return parts.join(' ');
}

/**
 * Takes the PID line remoteCommandLine() writes on stderr and passes everything else on untouched.
 * A login shell may print before it (module systems, locale warnings), so complete lines are
 * scanned until the marker is found; after 64 KiB without it, everything passes through.
 */
export class PidLineFilter {
  private pending: Buffer | undefined = Buffer.alloc(0);
  private scanned = 0;

  constructor(
    private readonly onPid: (pid: number) => void,
    private readonly onData: (chunk: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (!this.pending) return this.onData(chunk);
    let buffer = Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    for (let newline = buffer.indexOf(0x0a); newline >= 0; newline = buffer.indexOf(0x0a)) {
      const line = buffer.subarray(0, newline);
      const match = new RegExp(`^${PID_MARKER}(\\d+)$`).exec(line.toString('latin1'));
      buffer = buffer.subarray(newline + 1);
      if (match) {
        this.onPid(Number(match[1]));
        this.pending = undefined;
        out.push(buffer);
        break;
      }
      out.push(line, Buffer.from('\n'));
      this.scanned += line.length + 1;
    }
    if (this.pending) {
      if (this.scanned > 64 * 1024) {
        out.push(buffer);
        this.pending = undefined;
      } else this.pending = buffer;
    }
    const passOn = Buffer.concat(out);
    if (passOn.length) this.onData(passOn);
  }

  /** Flushes whatever was held back when the stream ends without a full line. */
  end(): void {
    if (this.pending?.length) this.onData(this.pending);
    this.pending = undefined;
  }
}

function forwardOut(client: Client, host: string, port: number, via: SshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) =>
    client.forwardOut('127.0.0.1', 0, host, port, (err, channel) =>
      err ? reject(new HostError('connection', `The jump host ${via.alias} could not reach ${host}:${port}: ${err.message}`, err)) : resolve(channel)),
  );
}

function closeConnection(connection: Connection): void {
  connection.alive = false;
  connection.client.end();
  for (const hop of [...connection.hops].reverse()) hop.end();
}

function toFileStat(attrs: { mode: number; size: number; mtime: number }): FileStat {
  const type = attrs.mode & S_IFMT;
  return { size: attrs.size, mtime: new Date(attrs.mtime * 1000), isFile: type === S_IFREG, isDirectory: type === S_IFDIR, mode: attrs.mode & 0o7777 };
}
