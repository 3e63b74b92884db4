import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandGlob, parseDestination, resolveSshTarget, SshConfigContext } from '../../src/core/host/sshConfig';

describe('~/.ssh/config', () => {
  let home: string;
  let context: SshConfigContext;
  const write = async (rel: string, text: string) => {
    const file = path.join(home, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  };

  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-sshcfg-'));
    context = { home, localUser: 'ada', authSock: '/run/agent.sock' };
  });
  afterEach(() => fs.rm(home, { recursive: true, force: true }));

  it('takes the first value per key, Host patterns, and defaults like OpenSSH', async () => {
    await write('.ssh/config', [
      'Host bessemer',
      '  HostName bessemer.shef.ac.uk',
      '  User ad1xyz',
      '  IdentityFile ~/.ssh/id_hpc',
      'Host *.shef.ac.uk bess*',
      '  Port 2200',
      '  User ignored',
      '  ServerAliveInterval 60',
      'Host *',
      '  ConnectTimeout 7',
    ].join('\n'));
    const t = await resolveSshTarget('bessemer', context);
    assert.deepStrictEqual([t.hostName, t.port, t.user, t.serverAliveInterval, t.connectTimeout], ['bessemer.shef.ac.uk', 2200, 'ad1xyz', 60, 7]);
    assert.deepStrictEqual(t.identityFiles, [path.join(home, '.ssh', 'id_hpc')]);
    assert.strictEqual(t.identityAgent, '/run/agent.sock');
    assert.deepStrictEqual(t.userKnownHostsFiles, [path.join(home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts2')]);
    const plain = await resolveSshTarget('elsewhere.org', context);
    assert.deepStrictEqual([plain.hostName, plain.port, plain.user, plain.serverAliveInterval, plain.connectTimeout], ['elsewhere.org', 22, 'ada', 15, 7]);
    assert.ok(plain.identityFiles.includes(path.join(home, '.ssh', 'id_ed25519')));
    assert.strictEqual(plain.identityFilesExplicit, false);
  });

  it('inlines Include with globs, relative to ~/.ssh, nested, in order', async () => {
    await write('.ssh/config', 'Include config.d/*.conf ~/.ssh/extra\nHost *\n  User fallback\n');
    await write('.ssh/config.d/10-cluster.conf', 'Host stanage\n  HostName stanage.shef.ac.uk\n  Include nested/*\n');
    await write('.ssh/config.d/20-other.conf', 'Host stanage\n  HostName wrong.example.org\n  Port 2022\n');
    await write('.ssh/config.d/.hidden.conf', 'Host stanage\n  User hidden\n');
    await write('.ssh/config.d/notes.txt', 'Host stanage\n  User notes\n');
    await write('.ssh/nested/user', 'User sta1\n');
    await write('.ssh/extra', 'Host stanage\n  IdentitiesOnly yes\n  IdentityAgent none\n');
    const t = await resolveSshTarget('stanage', context);
    assert.deepStrictEqual([t.hostName, t.port, t.user, t.identitiesOnly, t.identityAgent], ['stanage.shef.ac.uk', 2022, 'sta1', true, undefined]);
  });

  it('goes back to the including block after an Include, as OpenSSH does', async () => {
    await write('.ssh/config', 'Include config.d/*\nPort 2400\nHost lab\n  User me\n  Include lab.d/*\n  HostName lab.example.org\n');
    await write('.ssh/config.d/work', 'Host work\n  HostName work.example.org\n');
    await write('.ssh/lab.d/extra', 'Host other\n  User other\n');
    assert.strictEqual((await resolveSshTarget('anything', context)).port, 2400);
    const lab = await resolveSshTarget('lab', context);
    assert.deepStrictEqual([lab.hostName, lab.user, lab.port], ['lab.example.org', 'me', 2400]);
  });

  it('lower-cases host names and refuses ProxyCommand, empty values and odd ports with a reason', async () => {
    await write('.ssh/config', 'Host a\n  HostName Login.Cluster.EDU\nHost p\n  ProxyCommand ssh -W %h:%p jump\nHost h\n  Port 0x10\nHost e\n  HostName\n');
    assert.strictEqual((await resolveSshTarget('a', context)).hostName, 'login.cluster.edu');
    await assert.rejects(resolveSshTarget('p', context), /uses ProxyCommand, which ReproLab does not run: write "ProxyJump <jump host>"/);
    await assert.rejects(resolveSshTarget('h', context), /Port "0x10" for h/);
    await assert.rejects(resolveSshTarget('e', context), /hostname for e in ~\/.ssh\/config is empty/);
  });

  it('refuses a config that is a FIFO, too large, or named but missing', async () => {
    const { execFileSync } = await import('child_process');
    execFileSync('mkfifo', [path.join(home, 'fifo')]);
    await assert.rejects(resolveSshTarget('x', { ...context, configFile: path.join(home, 'fifo') }), /is not a regular file/);
    await write('big', 'x'.repeat(2 * 1024 * 1024));
    await assert.rejects(resolveSshTarget('x', { ...context, configFile: path.join(home, 'big') }), /too large/);
    await assert.rejects(resolveSshTarget('x', { ...context, configFile: path.join(home, 'nope') }), /The SSH config .*nope does not exist/);
    await write('.ssh/config', 'Include ~/.ssh/[z-a]\nMatch exec "true"\n  User m\n');
    const t = await resolveSshTarget('x', context);
    assert.strictEqual(t.notes.length, 1);
  });

  it('refuses an Include loop instead of hanging', async () => {
    await write('.ssh/config', 'Include config\n');
    await assert.rejects(resolveSshTarget('x', context), /Include nests more than 16 deep/);
  });

  it('resolves ProxyJump hops through the config, chained', async () => {
    await write('.ssh/config', [
      'Host gpu',
      '  HostName gpu-login.internal',
      '  ProxyJump gateway,jumper@bastion.example.org:2201',
      'Host gateway',
      '  HostName gw.example.org',
      '  User gwuser',
      '  ProxyJump outer',
      'Host outer',
      '  HostName outer.example.org',
    ].join('\n'));
    const t = await resolveSshTarget('gpu', context);
    assert.deepStrictEqual(t.proxyJump.map((h) => `${h.user}@${h.hostName}:${h.port}`), [
      'ada@outer.example.org:22', 'gwuser@gw.example.org:22', 'jumper@bastion.example.org:2201',
    ]);
    assert.ok(t.proxyJump.every((h) => h.proxyJump.length === 0));
  });

  it('stops a ProxyJump loop', async () => {
    await write('.ssh/config', 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n');
    await assert.rejects(resolveSshTarget('a', context), /ProxyJump for \w nests more than 8 deep/);
  });

  it('expands %h %p %r %u %d tokens and quotes in paths', async () => {
    await write('.ssh/config', 'Host lab\n  HostName lab.example.org\n  User r1\n  Port 2022\n  IdentityFile "%d/keys/%r@%h_%p"\n  UserKnownHostsFile ~/.ssh/kh_%u /etc/ssh/kh\n');
    const t = await resolveSshTarget('lab', context);
    assert.deepStrictEqual(t.identityFiles, [`${home}/keys/r1@lab.example.org_2022`]);
    assert.deepStrictEqual(t.userKnownHostsFiles, [path.join(home, '.ssh/kh_ada'), '/etc/ssh/kh']);
  });

  it('never runs Match exec', async () => {
    const marker = path.join(home, 'ran');
    await write('.ssh/config', `Match exec "touch ${marker}"\n  User matched\n`);
    const t = await resolveSshTarget('any', context);
    assert.strictEqual(t.user, 'ada');
    await assert.rejects(fs.stat(marker));
  });

  it('says what is wrong with a bad port or destination', async () => {
    await write('.ssh/config', 'Host bad\n  Port 99999\n');
    await assert.rejects(resolveSshTarget('bad', context), /Port "99999" for bad in ~\/.ssh\/config is not a port number/);
    assert.throws(() => parseDestination('a b'), /is not a host/);
    assert.deepStrictEqual(parseDestination('ssh://me@[::1]:2222'), { user: 'me', host: '::1', port: 2222 });
    assert.deepStrictEqual(parseDestination('login.example.org'), { user: undefined, host: 'login.example.org', port: undefined });
  });

  it('globs like glob(3): sorted, hidden files only when asked', async () => {
    await write('g/b.conf', '');
    await write('g/a.conf', '');
    await write('g/.c.conf', '');
    await write('g/sub/x.conf', '');
    assert.deepStrictEqual(await expandGlob(path.join(home, 'g/*.conf')), [path.join(home, 'g/a.conf'), path.join(home, 'g/b.conf')]);
    assert.deepStrictEqual(await expandGlob(path.join(home, 'g/*/x.[c]onf')), [path.join(home, 'g/sub/x.conf')]);
    assert.deepStrictEqual(await expandGlob(path.join(home, 'g/none*')), []);
  });
});
