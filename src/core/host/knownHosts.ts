import { createHash, createHmac } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { HostError } from './host';
import { readSmallTextFile } from './sshConfig';

/** One line of a known_hosts file. */
export interface KnownHostEntry {
  marker?: '@cert-authority' | '@revoked';
  /** Comma-separated patterns, or one hashed `|1|salt|hash` name. */
  hosts: string;
  keyType: string;
  key: string; // base64 key blob
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: string[] };

/** Parses known_hosts text, skipping comments, blank and malformed lines. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@cert-authority' || fields[0] === '@revoked') marker = fields.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    entries.push({ marker, hosts, keyType, key, file, line: index + 1 });
  });
  return entries;
}

/** The name a host has in known_hosts: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Whether a known_hosts host field (patterns or a hashed name) names this host. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (wildcardMatch(body.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** `*` and `?` wildcards, matched without regular expressions (linear, however many stars). */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Checks a server's key against known_hosts entries, as OpenSSH does. */
export function verifyHostKey(entries: KnownHostEntry[], host: string, port: number, keyType: string, key: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const keyBase64 = key.toString('base64');
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostFieldMatches(e.hosts, name));
  const revoked = forHost.find((e) => e.marker === '@revoked' && e.key === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => !e.marker);
  const same = plain.find((e) => e.keyType === keyType && e.key === keyBase64);
  if (same) return { status: 'known', entry: same };
  const changed = plain.find((e) => e.keyType === keyType);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** The key type named inside an SSH public key blob, such as `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) throw new HostError('host-key', 'The server sent a host key too short to read.');
  const length = key.readUInt32BE(0);
  if (length > key.length - 4 || length > 64) throw new HostError('host-key', 'The server sent a host key that is not in SSH format.');
  return key.subarray(4, 4 + length).toString('latin1');
}

/** The fingerprint OpenSSH shows by default: `SHA256:` and unpadded base64. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The known_hosts line ReproLab appends when the user trusts a key. */
export function knownHostsLine(host: string, port: number, keyType: string, key: Buffer): string {
  return `${knownHostsName(host, port)} ${keyType} ${key.toString('base64')}`;
}

/** Reads and parses every known_hosts file that exists. */
export async function loadKnownHosts(files: string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) all.push(...parseKnownHosts(await readSmallTextFile(file, 'The known_hosts file', false), file));
  return all;
}

/** Appends a line to a known_hosts file, creating it (and ~/.ssh, 0700) when needed. */
export async function appendKnownHost(file: string, line: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await fs.readFile(file);
    if (existing.length > 0 && existing[existing.length - 1] !== 0x0a) prefix = '\n';
  } catch {
    // a new file
  }
  await fs.appendFile(file, `${prefix}${line}\n`, { mode: 0o600 });
}

/** The warning OpenSSH prints when a host key has changed, adapted to one dialog. */
export function changedKeyWarning(host: string, port: number, keyType: string, key: Buffer, entry: KnownHostEntry): string {
  return [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
    'It is also possible that a host key has just been changed.',
    `The fingerprint for the ${keyTypeLabel(keyType)} key sent by the remote host ${knownHostsName(host, port)} is`,
    `${fingerprintSha256(key)}.`,
    'Please contact your system administrator.',
    `Offending ${keyTypeLabel(keyType)} key in ${entry.file}:${entry.line}`,
    `Host key for ${knownHostsName(host, port)} has changed and ReproLab will not connect. If the change is expected, remove the old key with: ssh-keygen -R '${knownHostsName(host, port)}'`,
  ].join('\n');
}

/** OpenSSH's short name for a key type: ED25519, RSA, ECDSA. */
export function keyTypeLabel(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ED25519';
  if (keyType.startsWith('ecdsa')) return 'ECDSA';
  if (keyType.includes('rsa')) return 'RSA';
  if (keyType.includes('dss')) return 'DSA';
  return keyType.toUpperCase();
}
