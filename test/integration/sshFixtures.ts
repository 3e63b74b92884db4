// Builds what an SshHost needs against the real test sshd: a home folder with ~/.ssh/config, and a
// scripted person at the keyboard who answers prompts and records what was asked.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HostKeyRequest, PromptRequest, SshHost, SshHostOptions, SshPrompter } from '../../src/core/host/ssh';
import { Services } from './services';

export class ScriptedUser implements SshPrompter {
  readonly asked: PromptRequest[] = [];
  readonly hostKeyQuestions: HostKeyRequest[] = [];
  readonly remembered: string[][] = [];

  constructor(
    private readonly answers: Partial<Record<PromptRequest['kind'], string | string[]>> = {},
    private readonly trustHostKeys = false,
  ) {}

  async prompt(request: PromptRequest): Promise<string | undefined> {
    this.asked.push(request);
    const answer = this.answers[request.kind];
    return Array.isArray(answer) ? answer[Math.min(request.attempt, answer.length) - 1] : answer;
  }

  async confirmHostKey(request: HostKeyRequest): Promise<boolean> {
    this.hostKeyQuestions.push(request);
    return this.trustHostKeys;
  }

  loginSucceeded(ids: string[]): void {
    this.remembered.push(ids);
  }
}

/** A fresh home folder whose ~/.ssh/config holds `config` and whose known_hosts trusts the test sshd. */
export function makeHome(config: string, options: { knownHosts?: string } = {}): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-sshhome-'));
  fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  fs.writeFileSync(path.join(home, '.ssh', 'config'), config);
  if (options.knownHosts !== undefined) fs.writeFileSync(path.join(home, '.ssh', 'known_hosts'), options.knownHosts);
  return home;
}

/** `Host lab` entries for the test sshd, with options added per test. */
export function labConfig(services: Services, extra: string[] = [], alias = 'lab', port = services.ssh.port): string {
  return [`Host ${alias}`, `  HostName ${services.ssh.host}`, `  Port ${port}`, `  User ${services.ssh.user}`, ...extra.map((l) => `  ${l}`), ''].join('\n');
}

export function newHost(home: string, user: SshPrompter, destination = 'lab', extra: Partial<SshHostOptions> = {}): SshHost {
  return new SshHost({ name: destination, destination, context: { home, localUser: 'root' }, prompter: user, reconnectBaseDelayMs: 100, ...extra });
}

/** A folder the test user owns, for files the tests write over SFTP. */
export function testerScratch(): string {
  return execFileSync('runuser', ['-u', 'tester', '--', 'mktemp', '-d', '/tmp/reprolab-ssh-XXXXXX'], { encoding: 'utf8' }).trim();
}

export function lineCount(file: string, pattern: RegExp): number {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => pattern.test(l)).length;
}
