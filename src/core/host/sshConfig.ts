import { constants as fsConstants, promises as fs } from 'fs';
import * as path from 'path';
import SSHConfig from 'ssh-config';
import { HostError } from './host';

/** One hop of a connection: where to connect and as whom. */
export interface SshEndpoint {
  /** The name the user gave (an alias from ~/.ssh/config, or a host name). */
  alias: string;
  hostName: string;
  port: number;
  user: string;
}

/** Everything ReproLab needs from ~/.ssh/config to reach one host, as OpenSSH would read it. */
export interface SshTarget extends SshEndpoint {
  identityFiles: string[];
  /** Whether IdentityFile was set explicitly (then the default key names are not tried). */
  identityFilesExplicit: boolean;
  identitiesOnly: boolean;
  /** Agent socket: IdentityAgent, else SSH_AUTH_SOCK; undefined when there is none or it is `none`. */
  identityAgent?: string;
  /** Jump hosts in order, each resolved through the config like the target itself. */
  proxyJump: SshTarget[];
  /** Seconds between keepalives; ReproLab's default is 15 so a dead link is noticed. */
  serverAliveInterval: number;
  serverAliveCountMax: number;
  /** Seconds to wait for the connection and handshake. */
  connectTimeout: number;
  userKnownHostsFiles: string[];
  /** `yes` refuses unknown keys, `no`/`accept-new` takes them, `ask` (the default) asks the user. */
  strictHostKeyChecking: 'yes' | 'no' | 'ask' | 'accept-new';
  /** What ReproLab read differently from OpenSSH, for the log (`Match exec` lines it skipped). */
  notes: string[];
}

export interface SshConfigContext {
  home: string;
  localUser: string;
  /** SSH_AUTH_SOCK of the environment the product runs in. */
  authSock?: string;
  /** The config file to read; ~/.ssh/config by default. Missing is fine. */
  configFile?: string;
}

/** Config and known_hosts files larger than this are not read: real ones are a few KiB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];
const MAX_INCLUDE_DEPTH = 16; // OpenSSH's READCONF_MAX_DEPTH
const MAX_JUMPS = 8;

/** Resolves a host alias the way `ssh ALIAS` would, reading ~/.ssh/config with its Includes. */
export async function resolveSshTarget(alias: string, context: SshConfigContext): Promise<SshTarget> {
  const configFile = context.configFile ?? path.join(context.home, '.ssh', 'config');
  // A file the user named must exist, as with `ssh -F`; the default one may be missing.
  const text = await loadConfigText(configFile, context.home, 0, context.configFile !== undefined);
  return resolveFromText(alias, text, context, 0);
}

/** Parses `[user@]host[:port]` or `ssh://[user@]host[:port]`, as ProxyJump and the CLI take them. */
export function parseDestination(spec: string): { user?: string; host: string; port?: number } {
  let rest = spec.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1];
    if (bracketed[2]) port = Number(bracketed[2]);
  } else {
    const colon = /^([^:]+):(\d+)$/.exec(rest);
    if (colon) {
      rest = colon[1];
      port = Number(colon[2]);
    }
  }
  if (!rest || /\s/.test(rest)) throw new HostError('config', `"${spec}" is not a host: write [user@]host[:port].`);
  if (port !== undefined && !(port > 0 && port < 65536)) throw new HostError('config', `"${spec}" has an invalid port.`);
  return { user: user || undefined, host: rest, port };
}

async function resolveFromText(spec: string, text: string, context: SshConfigContext, depth: number): Promise<SshTarget> {
  const destination = parseDestination(spec);
  const config = SSHConfig.parse(text);
  // matchExec: false: a config file must never make ReproLab run a program.
  const raw = config.compute(destination.host, { ignoreCase: true, matchExec: false }) as Record<string, string | string[] | undefined>;
  // A directive with no value comes back with the line break in its key ("hostname\n").
  const computed = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.trim(), v]));
  const one = (key: string): string | undefined => {
    const value = computed[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const many = (key: string): string[] => {
    const value = computed[key];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  const alias = destination.host;
  for (const key of ['hostname', 'port', 'user']) {
    if (computed[key] !== undefined && one(key)!.trim() === '') throw new HostError('config', `${key} for ${alias} in ~/.ssh/config is empty: give it a value or remove the line.`);
  }
  const proxyCommand = one('proxycommand');
  if (proxyCommand && proxyCommand.toLowerCase() !== 'none') {
    throw new HostError('config', `${alias} uses ProxyCommand, which ReproLab does not run: write "ProxyJump <jump host>" instead (the same as ssh -W through that host).`);
  }
  // OpenSSH lower-cases host names (ssh -G shows them so).
  const hostName = expandTokens(one('hostname') ?? alias, { h: alias, n: alias }, context).toLowerCase();
  const port = destination.port ?? parsePort(one('port'), alias);
  const user = destination.user ?? one('user') ?? context.localUser;
  const tokens = { h: hostName, n: alias, p: String(port), r: user };
  const expandPath = (p: string) => expandHome(expandTokens(unquote(p), tokens, context), context.home);

  const explicit = many('identityfile');
  const identityFiles = (explicit.length ? explicit : DEFAULT_IDENTITIES.map((name) => `~/.ssh/${name}`)).map(expandPath);
  const agentSetting = one('identityagent');
  const identityAgent = agentSetting === undefined
    ? context.authSock || undefined
    : agentSetting.toLowerCase() === 'none'
      ? undefined
      : agentSetting === 'SSH_AUTH_SOCK'
        ? context.authSock || undefined
        : expandPath(agentSetting.replace(/^\$\{?SSH_AUTH_SOCK\}?$/, context.authSock ?? ''));

  const jumpSetting = one('proxyjump');
  const proxyJump: SshTarget[] = [];
  if (jumpSetting && jumpSetting.toLowerCase() !== 'none') {
    if (depth >= MAX_JUMPS) throw new HostError('config', `ProxyJump for ${alias} nests more than ${MAX_JUMPS} deep: check ~/.ssh/config for a loop.`);
    for (const hop of jumpSetting.split(',')) {
      const resolved = await resolveFromText(hop.trim(), text, context, depth + 1);
      // A hop's own jumps come first, then the hop itself.
      proxyJump.push(...resolved.proxyJump, { ...resolved, proxyJump: [] });
    }
  }

  const knownHosts = many('userknownhostsfile').flatMap((v) => v.split(/\s+/)).filter(Boolean);
  const strict = (one('stricthostkeychecking') ?? 'ask').toLowerCase();
  return {
    alias,
    hostName,
    port,
    user,
    identityFiles,
    identityFilesExplicit: explicit.length > 0,
    identitiesOnly: yes(one('identitiesonly')),
    identityAgent,
    proxyJump,
    serverAliveInterval: nonNegative(one('serveraliveinterval'), 15, 'ServerAliveInterval', alias) || 15,
    serverAliveCountMax: nonNegative(one('serveralivecountmax'), 3, 'ServerAliveCountMax', alias) || 3,
    connectTimeout: nonNegative(one('connecttimeout'), 20, 'ConnectTimeout', alias) || 20,
    userKnownHostsFiles: (knownHosts.length ? knownHosts : ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map(expandPath),
    strictHostKeyChecking: strict === 'yes' || strict === 'true' ? 'yes' : strict === 'no' || strict === 'off' || strict === 'false' ? 'no' : strict === 'accept-new' ? 'accept-new' : 'ask',
    notes: /^\s*match\b.*\bexec\b/im.test(text) ? ['~/.ssh/config has "Match exec" lines; ReproLab never runs their commands, so those blocks do not apply to it.'] : [],
  };
}

/** Reads a small regular text file, refusing FIFOs, devices and huge files with a clear error. */
export async function readSmallTextFile(file: string, what: string, mustExist: boolean): Promise<string> {
  let handle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return '';
    throw new HostError('config', code === 'ENOENT' ? `${what} ${file} does not exist.` : `${what} ${file} cannot be read: ${(err as Error).message}`, err);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new HostError('config', `${what} ${file} is not a regular file.`);
    if (stat.size > MAX_CONFIG_BYTES) throw new HostError('config', `${what} ${file} is ${stat.size} bytes, too large to be what it claims to be.`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Reads a config file with every Include (globs, ~, nesting) inlined where it stands. After an
 * included file, the block the Include stood in is opened again, since OpenSSH returns to it.
 */
export async function loadConfigText(file: string, home: string, depth: number, mustExist = false): Promise<string> {
  if (depth > MAX_INCLUDE_DEPTH) throw new HostError('config', `${file}: Include nests more than ${MAX_INCLUDE_DEPTH} deep; check for an Include loop.`);
  const text = await readSmallTextFile(file, 'The SSH config', mustExist);
  const out: string[] = [];
  let block = 'Host *';
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(host|match)\b/i.test(line)) block = line.trim();
    const include = /^\s*include\s*(?:=\s*|\s)?(.*)$/i.exec(line);
    if (!include) {
      out.push(line);
      continue;
    }
    const patterns = splitArgs(include[1]);
    if (!patterns.length) throw new HostError('config', `${file}: an Include line names no file.`);
    for (const pattern of patterns) {
      const expanded = expandHome(pattern, home);
      // Relative Include paths are taken from ~/.ssh, as OpenSSH does for the user's config.
      const absolute = path.isAbsolute(expanded) ? expanded : path.join(home, '.ssh', expanded);
      for (const match of await expandGlob(absolute)) out.push(await loadConfigText(match, home, depth + 1, true));
    }
    out.push(block);
  }
  return out.join('\n');
}

/** Expands *, ? and [...] in each part of an absolute path; sorted, like glob(3). */
export async function expandGlob(pattern: string): Promise<string[]> {
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let bases = [parts[0] === '' ? '/' : parts[0]];
  for (const part of parts.slice(1)) {
    const next: string[] = [];
    if (!/[*?[]/.test(part)) {
      for (const base of bases) next.push(path.join(base, part));
    } else {
      const regex = globToRegExp(part);
      for (const base of bases) {
        let names: string[];
        try {
          names = await fs.readdir(base);
        } catch {
          continue;
        }
        for (const name of names.sort()) {
          if (name.startsWith('.') && !part.startsWith('.')) continue;
          if (regex.test(name)) next.push(path.join(base, name));
        }
      }
    }
    bases = next;
  }
  const existing: string[] = [];
  for (const candidate of bases) {
    try {
      if ((await fs.stat(candidate)).isFile()) existing.push(candidate);
    } catch {
      // A pattern that matches nothing is not an error, as in OpenSSH.
    }
  }
  return existing;
}

function globToRegExp(glob: string): RegExp {
  try {
    return globToRegExpUnchecked(glob);
  } catch {
    return /(?!)/; // a pattern such as [z-a] matches nothing, as glob(3) would
  }
}

function globToRegExpUnchecked(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        source += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function splitArgs(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function unquote(value: string): string {
  return /^".*"$/.test(value) ? value.slice(1, -1) : value;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  return p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

function expandTokens(value: string, tokens: Record<string, string>, context: SshConfigContext): string {
  const all: Record<string, string> = { ...tokens, u: context.localUser, d: context.home, '%': '%' };
  return value.replace(/%(.)/g, (whole, key: string) => all[key] ?? whole);
}

function parsePort(value: string | undefined, alias: string): number {
  if (value === undefined) return 22;
  const port = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HostError('config', `Port "${value}" for ${alias} in ~/.ssh/config is not a port number.`);
  return port;
}

function nonNegative(value: string | undefined, fallback: number, name: string, alias: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new HostError('config', `${name} "${value}" for ${alias} in ~/.ssh/config is not a number of seconds.`);
  return n;
}

function yes(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true)$/i.test(value);
}
