import * as assert from 'assert';
import { promises as fs, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appendKnownHost, changedKeyWarning, fingerprintSha256, hostFieldMatches, keyTypeOf, knownHostsLine, loadKnownHosts, parseKnownHosts, verifyHostKey, wildcardMatch } from '../../src/core/host/knownHosts';
import { fixture } from '../paths';

const blob = (file: string) => Buffer.from(readFileSync(fixture('ssh', file), 'utf8').split(' ')[1], 'base64');
const hostKey = blob('hostkey.pub');
const otherKey = blob('otherkey.pub');

describe('known_hosts', () => {
  const entries = parseKnownHosts(readFileSync(fixture('ssh', 'known_hosts'), 'utf8'), 'known_hosts');

  it('parses entries, markers and line numbers, skipping comments and malformed lines', () => {
    assert.strictEqual(entries.length, 6);
    assert.deepStrictEqual(entries.map((e) => [e.line, e.marker ?? '', e.keyType]), [
      [2, '', 'ssh-ed25519'], [3, '', 'ssh-ed25519'], [4, '', 'ssh-ed25519'],
      [5, '@revoked', 'ssh-ed25519'], [6, '@cert-authority', 'ssh-ed25519'], [9, '', 'ssh-rsa'],
    ]);
  });

  it('reads the key type from the key blob and fingerprints it as ssh-keygen -l does', () => {
    assert.strictEqual(keyTypeOf(hostKey), 'ssh-ed25519');
    // ssh-keygen -lf test/fixtures/ssh/hostkey.pub
    assert.strictEqual(fingerprintSha256(hostKey), 'SHA256:NXnu0o68Hxg1jz71/gNp8IGdLAbUuIfdz6mYfxjl4Ik');
    assert.throws(() => keyTypeOf(Buffer.from([0, 0, 1])), /too short/);
  });

  it('knows a host on a non-standard port only in [host]:port form', () => {
    assert.strictEqual(verifyHostKey(entries, '127.0.0.1', 2222, 'ssh-ed25519', hostKey).status, 'known');
    assert.strictEqual(verifyHostKey(entries, '127.0.0.1', 22, 'ssh-ed25519', hostKey).status, 'unknown');
  });

  it('matches comma lists, wildcards and negations', () => {
    assert.strictEqual(verifyHostKey(entries, 'login2.cluster.example.org', 22, 'ssh-ed25519', hostKey).status, 'known');
    assert.strictEqual(verifyHostKey(entries, 'node7.hpc.example.org', 22, 'ssh-ed25519', hostKey).status, 'known');
    assert.strictEqual(verifyHostKey(entries, 'bad.hpc.example.org', 22, 'ssh-ed25519', hostKey).status, 'unknown');
    assert.ok(hostFieldMatches('LOGIN1.cluster.example.org', 'login1.cluster.example.org'));
  });

  it('matches wildcards without backtracking blow-ups', () => {
    assert.ok(wildcardMatch('*.hpc.*.org', 'n1.hpc.example.org'));
    assert.ok(!wildcardMatch('*.hpc.org', 'hpc.org'));
    assert.ok(wildcardMatch('n?.x', 'n1.x') && !wildcardMatch('n?.x', 'n12.x'));
    // A regex-based matcher takes minutes on these (or throws "Regular expression too large").
    assert.ok(!wildcardMatch(`${'*'.repeat(40)}x`, 'a'.repeat(5000)));
    assert.ok(!hostFieldMatches(`${'*'.repeat(200000)}x`, 'login.example.org'));
  });

  it('matches hashed entries written by ssh-keygen -H', () => {
    const hashed = parseKnownHosts(readFileSync(fixture('ssh', 'known_hosts_hashed'), 'utf8'), 'hashed');
    assert.ok(hashed.every((e) => e.hosts.startsWith('|1|')));
    assert.strictEqual(verifyHostKey(hashed, 'login1.cluster.example.org', 22, 'ssh-ed25519', hostKey).status, 'known');
    assert.strictEqual(hashed.length, 3);
    assert.strictEqual(verifyHostKey(hashed, '127.0.0.1', 2222, 'ssh-ed25519', hostKey).status, 'known');
    assert.strictEqual(verifyHostKey(hashed, '127.0.0.1', 22, 'ssh-ed25519', hostKey).status, 'unknown');
    assert.strictEqual(verifyHostKey(hashed, 'login3.cluster.example.org', 22, 'ssh-ed25519', hostKey).status, 'unknown');
    assert.strictEqual(verifyHostKey(hashed, 'login1.cluster.example.org', 22, 'ssh-ed25519', otherKey).status, 'changed');
  });

  it('reports a changed key with the offending line, and revoked keys', () => {
    const changed = verifyHostKey(entries, 'login1.cluster.example.org', 22, 'ssh-ed25519', otherKey);
    assert.ok(changed.status === 'changed');
    assert.strictEqual(changed.entry.line, 3);
    assert.strictEqual(verifyHostKey(entries, 'revoked.example.org', 22, 'ssh-ed25519', hostKey).status, 'revoked');
    const warning = changedKeyWarning('login1.cluster.example.org', 22, 'ssh-ed25519', otherKey, changed.entry);
    assert.match(warning, /WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/);
    assert.match(warning, /Offending ED25519 key in known_hosts:3/);
    assert.match(warning, new RegExp(fingerprintSha256(otherKey).replace(/[+/]/g, '\\$&')));
  });

  it('treats a key of a type not yet known as unknown and says which types are known', () => {
    const verdict = verifyHostKey(entries, 'rsa-only.example.org', 22, 'ssh-ed25519', hostKey);
    assert.deepStrictEqual(verdict, { status: 'unknown', otherTypes: ['ssh-rsa'] });
  });

  it('appends a trusted key on a line of its own, creating the file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-kh-'));
    try {
      const file = path.join(dir, '.ssh', 'known_hosts');
      await appendKnownHost(file, knownHostsLine('127.0.0.1', 2222, 'ssh-ed25519', hostKey));
      await fs.appendFile(file, 'no-newline.example.org ssh-ed25519 AAAA');
      await appendKnownHost(file, knownHostsLine('login.example.org', 22, 'ssh-ed25519', otherKey));
      const loaded = await loadKnownHosts([file, path.join(dir, 'missing')]);
      assert.deepStrictEqual(loaded.map((e) => e.hosts), ['[127.0.0.1]:2222', 'no-newline.example.org', 'login.example.org']);
      assert.strictEqual((await fs.stat(file)).mode & 0o777, 0o600);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
