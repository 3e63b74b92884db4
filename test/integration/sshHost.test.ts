// SshHost against the real OpenSSH server on loopback, logging in as the unprivileged user "tester".
import * as assert from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HostError } from '../../src/core/host/host';
import { commandLine } from '../../src/core/shell';
import { hostContract } from '../hostContract';
import { argLists, firstMismatch, parseRoundTrip, roundTripScript } from '../unit/shellArbitraries';
import { FaultProxy } from './faultProxy';
import { labConfig, lineCount, makeHome, newHost, ScriptedUser, testerScratch } from './sshFixtures';
import { loadServices } from './services';

const services = loadServices();
const knownHosts = fs.readFileSync(services.ssh.knownHosts, 'utf8');
const keyConfig = (extra: string[] = []) => labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none', ...extra]);
const noKeys = ['IdentityFile /nonexistent/key', 'IdentityAgent none'];
const isKind = (kind: string, pattern?: RegExp) => (err: unknown) =>
  err instanceof HostError && err.kind === kind && (!pattern || pattern.test(err.message));
const homes: string[] = [];
const home = (config: string, options?: { knownHosts?: string }) => {
  const h = makeHome(config, { knownHosts, ...options });
  homes.push(h);
  return h;
};
after(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));

describe('SshHost against a real sshd', function () {
  this.timeout(60000);

  describe('the Host contract over one connection', () => {
    const user = new ScriptedUser();
    const host = newHost(home(keyConfig()), user);
    const scratch = testerScratch();
    after(() => host.dispose());
    hostContract({
      host: () => host,
      scratch: () => scratch,
      sh: async (script) => execFileSync('runuser', ['-u', 'tester', '--', 'sh', '-c', script], { encoding: 'utf8' }),
    });

    it('did all of that over a single login', () => {
      assert.strictEqual(user.asked.length, 0);
      assert.strictEqual(host.connectionState, 'connected');
    });
  });

  it('round-trips 10,000 generated argument lists byte for byte through the remote login shell', async () => {
    const host = newHost(home(keyConfig()), new ScriptedUser());
    try {
      const cases = fc.sample(argLists, { numRuns: 10000, seed: 31122026 });
      for (let start = 0; start < cases.length; start += 1000) {
        const batch = cases.slice(start, start + 1000);
        // The script itself is one argument of `sh -c`, so it crosses the login shell quoted too.
        const chunks: Buffer[] = [];
        const status = await host.stream(['sh', '-c', roundTripScript(batch, commandLine)], { onStdout: (c) => chunks.push(c) }).done;
        assert.strictEqual(status.code, 0);
        const mismatch = firstMismatch(batch, parseRoundTrip(Buffer.concat(chunks)));
        assert.strictEqual(mismatch, undefined, mismatch);
      }
    } finally {
      await host.dispose();
    }
  });

  describe('logging in', () => {
    it('with a key from IdentityFile', async () => {
      const user = new ScriptedUser();
      const host = newHost(home(keyConfig()), user);
      assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
      assert.deepStrictEqual(user.asked, []);
      await host.dispose();
    });

    it('with an encrypted key, asking for its passphrase (again after a wrong one)', async () => {
      const user = new ScriptedUser({ passphrase: ['wrong', services.ssh.passphrase] });
      const host = newHost(home(labConfig(services, [`IdentityFile ${services.ssh.encryptedKey}`, 'IdentityAgent none'])), user);
      assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
      assert.deepStrictEqual(user.asked.map((a) => [a.kind, a.attempt, a.echo]), [['passphrase', 1, false], ['passphrase', 2, false]]);
      assert.match(user.asked[0].prompt, /Passphrase for key '.*client_key_encrypted'/);
      assert.deepStrictEqual(user.remembered, [[`passphrase:${services.ssh.encryptedKey}`]]);
      await host.dispose();
    });

    it('through a real ssh-agent', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-agent-'));
      const sock = path.join(dir, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
        execFileSync('ssh-add', [services.ssh.privateKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
        const user = new ScriptedUser();
        // No usable key file: only the agent holds the key.
        const host = newHost(home(labConfig(services, ['IdentityFile /nonexistent/key'])), user, 'lab', {
          context: { home: homes[homes.length - 1], localUser: 'root', authSock: sock },
        });
        assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
        assert.deepStrictEqual(user.asked, []);
        await host.dispose();
      } finally {
        agent.kill();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('with keyboard-interactive (PAM), one prompt per question with echo respected', async () => {
      const user = new ScriptedUser({ 'keyboard-interactive': services.ssh.password });
      const host = newHost(home(labConfig(services, noKeys)), user);
      assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
      assert.deepStrictEqual(user.asked.map((a) => [a.kind, a.prompt, a.echo, a.rememberable]), [['keyboard-interactive', 'Password:', false, true]]);
      await host.dispose();
    });

    it('with a password where keyboard-interactive is off, asking again after a wrong one', async () => {
      const user = new ScriptedUser({ password: ['nope', services.ssh.password] });
      const host = newHost(home(labConfig(services, noKeys, 'lab', services.ssh.jumpPort)), user);
      assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
      assert.deepStrictEqual(user.asked.map((a) => [a.kind, a.attempt]), [['password', 1], ['password', 2]]);
      assert.deepStrictEqual(user.remembered, [[`password:tester@[127.0.0.1]:${services.ssh.jumpPort}`]]);
      await host.dispose();
    });

    it('asks a second factor once per session, however many channels follow', async () => {
      const user = new ScriptedUser({ 'keyboard-interactive': services.ssh.password });
      const host = newHost(home(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none'], 'lab', services.ssh.mfaPort)), user);
      const results = await Promise.all([1, 2, 3, 4, 5].map((i) => host.exec(['echo', String(i)])));
      assert.deepStrictEqual(results.map((r) => r.stdout), ['1\n', '2\n', '3\n', '4\n', '5\n']);
      assert.ok((await host.home()).startsWith('/home/tester'));
      assert.strictEqual((await host.readRange('/etc/hostname', 0, 4)).length > 0, true);
      assert.strictEqual(user.asked.length, 1, 'one prompt for six channels');
      await host.dispose();
    });

    it('fails with an auth error, not a hang, when nothing works or the user cancels', async () => {
      const wrong = newHost(home(labConfig(services, noKeys)), new ScriptedUser({ 'keyboard-interactive': 'wrong', password: 'wrong' }));
      await assert.rejects(wrong.exec(['true']), isKind('auth', /Could not log in to tester@\[127.0.0.1\]:2222/));
      const cancelled = newHost(home(labConfig(services, noKeys)), new ScriptedUser({}));
      await assert.rejects(cancelled.exec(['true']), isKind('cancelled', /was cancelled/));
    });

    it('through a ProxyJump host, logging in to both', async () => {
      const jumpLogins = lineCount(services.ssh.logs.jump, /Accepted publickey for tester/);
      const config = [
        labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none', 'ProxyJump jump'], 'target'),
        labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none'], 'jump', services.ssh.jumpPort),
      ].join('\n');
      const host = newHost(home(config), new ScriptedUser(), 'target');
      assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
      assert.strictEqual(lineCount(services.ssh.logs.jump, /Accepted publickey for tester/), jumpLogins + 1);
      await host.dispose();
    });
  });

  describe('host keys', () => {
    const hostPub = fs.readFileSync(services.ssh.hostPublicKey, 'utf8');
    const fingerprint = execFileSync('ssh-keygen', ['-lf', services.ssh.hostPublicKey], { encoding: 'utf8' }).split(' ')[1];

    it('asks about an unknown key with its SHA256 fingerprint, then remembers it', async () => {
      const user = new ScriptedUser({}, true);
      const h = home(keyConfig(), { knownHosts: '' });
      const host = newHost(h, user);
      assert.strictEqual((await host.exec(['true'])).code, 0);
      assert.strictEqual(user.hostKeyQuestions.length, 1);
      assert.strictEqual(user.hostKeyQuestions[0].fingerprint, fingerprint);
      assert.match(user.hostKeyQuestions[0].message, /The authenticity of host '\[127.0.0.1\]:2222' can't be established\.\nED25519 key fingerprint is SHA256:/);
      const written = fs.readFileSync(path.join(h, '.ssh', 'known_hosts'), 'utf8');
      assert.strictEqual(written, `[127.0.0.1]:2222 ${hostPub.split(' ').slice(0, 2).join(' ')}\n`);
      await host.dispose();
      // OpenSSH itself accepts the line ReproLab wrote.
      execFileSync('ssh', ['-o', `UserKnownHostsFile=${path.join(h, '.ssh', 'known_hosts')}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
        '-i', services.ssh.privateKey, '-p', '2222', 'tester@127.0.0.1', 'true']);
      const again = newHost(h, user);
      await again.exec(['true']);
      assert.strictEqual(user.hostKeyQuestions.length, 1, 'not asked a second time');
      await again.dispose();
    });

    it('does not connect when the user declines an unknown key', async () => {
      const h = home(keyConfig(), { knownHosts: '' });
      const host = newHost(h, new ScriptedUser({}, false));
      await assert.rejects(host.exec(['true']), isKind('host-key', /declined/));
      assert.strictEqual(fs.readFileSync(path.join(h, '.ssh', 'known_hosts'), 'utf8'), '');
    });

    it('refuses a changed key with the OpenSSH warning and never asks', async () => {
      const other = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ssh', 'otherkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      const user = new ScriptedUser({}, true);
      const logged: string[] = [];
      const host = newHost(home(keyConfig(), { knownHosts: `[127.0.0.1]:2222 ${other}\n` }), user, 'lab', { log: (l) => logged.push(l) });
      await assert.rejects(host.exec(['true']), isKind('host-key', /has changed, so ReproLab did not connect/));
      assert.strictEqual(user.hostKeyQuestions.length, 0);
      assert.ok(logged.some((l) => /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(l) && l.includes(fingerprint)));
    });

    it('accepts a hashed known_hosts entry', async () => {
      const h = home(keyConfig(), { knownHosts });
      execFileSync('ssh-keygen', ['-H', '-f', path.join(h, '.ssh', 'known_hosts')], { stdio: 'ignore' });
      assert.match(fs.readFileSync(path.join(h, '.ssh', 'known_hosts'), 'utf8'), /^\|1\|/);
      const user = new ScriptedUser({}, true);
      const host = newHost(h, user);
      await host.exec(['true']);
      assert.strictEqual(user.hostKeyQuestions.length, 0);
      await host.dispose();
    });
  });

  describe('a dropped connection', () => {
    it('ends a stream in flight with a clear error, then the next call reconnects', async () => {
      const proxy = new FaultProxy(services.ssh.port);
      const port = await proxy.start();
      const host = newHost(home(keyConfig().replace(`Port ${services.ssh.port}`, `Port ${port}`)), new ScriptedUser(), 'lab', {
        context: { home: homes[homes.length - 1], localUser: 'root' },
      });
      // The proxy port differs from the one in known_hosts: trust the same key under it.
      fs.appendFileSync(path.join(homes[homes.length - 1], '.ssh', 'known_hosts'), knownHosts.split('\n')[0].replace(/^\[127.0.0.1\]:\d+/, `[127.0.0.1]:${port}`) + '\n');
      try {
        const seen: string[] = [];
        const running = host.stream(['sh', '-c', 'echo tick; sleep 60; echo never'], {
          onStdout: (c) => {
            seen.push(c.toString());
            proxy.cutAll();
          },
        });
        await assert.rejects(running.done, isKind('connection', /was lost while sh was running/));
        assert.deepStrictEqual(seen, ['tick\n']);
        assert.strictEqual((await host.exec(['echo', 'back'])).stdout, 'back\n');
        assert.ok(proxy.accepted >= 2, 'a second connection was made');
        // Refused for a while: backoff retries until the link is back.
        proxy.cutAll();
        await new Promise((r) => setTimeout(r, 100));
        proxy.refusing = true;
        setTimeout(() => (proxy.refusing = false), 400);
        assert.strictEqual((await host.exec(['echo', 'again'])).stdout, 'again\n');
      } finally {
        await host.dispose();
        await proxy.stop();
      }
    });

    it('gives up with a connection error when the host stays unreachable', async () => {
      const proxy = new FaultProxy(services.ssh.port);
      const port = await proxy.start();
      proxy.refusing = true;
      const host = newHost(home(keyConfig().replace(`Port ${services.ssh.port}`, `Port ${port}`)), new ScriptedUser(), 'lab', {
        context: { home: homes[homes.length - 1], localUser: 'root' },
        reconnectAttempts: 3,
      });
      try {
        await assert.rejects(host.exec(['true']), isKind('connection'));
        assert.strictEqual(proxy.accepted, 3);
        assert.strictEqual(host.connectionState, 'failed');
      } finally {
        await host.dispose();
        await proxy.stop();
      }
    });
  });
});
