/**
 * Apptainer commands as data: each spec names the argv and how to read the output, and any Host
 * runs it. The binary is `apptainer` or, on older clusters, `singularity` (see probe.ts).
 */
import { ExecResult } from '../host/host';

/** A command to run on a Host and how to read its result. */
export interface CommandSpec<T> {
  argv: string[];
  parse(result: ExecResult): T;
}

/** Raised when Apptainer ran but failed; the message is its last error line and what to do. */
export class ApptainerError extends Error {
  constructor(message: string, readonly result?: ExecResult) {
    super(message);
    this.name = 'ApptainerError';
  }
}

export interface Bind {
  source: string;
  /** Where it appears in the container; the same path when omitted. */
  destination?: string;
  readOnly?: boolean;
}

/** Flags shared by run and exec. */
export interface RunFlags {
  binds?: Bind[];
  /** --nv: NVIDIA GPUs and driver libraries inside the container. */
  nv?: boolean;
  /** --cleanenv: do not pass the host environment in. */
  cleanenv?: boolean;
  /** --no-home: do not mount the home folder. */
  noHome?: boolean;
  /** --pwd: working folder inside the container. */
  pwd?: string;
  /** --env NAME=value pairs. */
  env?: Record<string, string>;
}

export const PULL_SCHEMES = ['docker', 'oras', 'library'] as const;

/** `-B src:dst[:ro]`, refusing paths Apptainer's bind syntax cannot carry. */
export function bindArg(bind: Bind): string {
  for (const p of [bind.source, bind.destination ?? '']) {
    if (/[:,]/.test(p)) throw new ApptainerError(`The bind path "${p}" contains ':' or ',', which Apptainer's -B syntax cannot express: rename or symlink it.`);
  }
  if (!bind.source) throw new ApptainerError('A bind needs a source path.');
  return [bind.source, bind.destination ?? (bind.readOnly ? bind.source : undefined), bind.readOnly ? 'ro' : undefined].filter(Boolean).join(':');
}

/** The flags of run/exec in the order Apptainer documents them. */
export function runFlagArgs(flags: RunFlags = {}): string[] {
  const args: string[] = [];
  if (flags.nv) args.push('--nv');
  if (flags.cleanenv) args.push('--cleanenv');
  if (flags.noHome) args.push('--no-home');
  if (flags.pwd) args.push('--pwd', flags.pwd);
  for (const bind of flags.binds ?? []) args.push('-B', bindArg(bind));
  for (const [name, value] of Object.entries(flags.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ApptainerError(`"${name}" is not a valid environment variable name.`);
    args.push('--env', `${name}=${value}`);
  }
  return args;
}

function check(result: ExecResult, what: string): ExecResult {
  if (result.code === 0) return result;
  throw new ApptainerError(`${what} failed: ${lastErrorLine(result.stderr) || `exit code ${result.code ?? result.signal}`}`, result);
}

/** The line that says why Apptainer failed (`FATAL: ...`), without its prefix. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = [...lines].reverse().find((l) => /^(FATAL|ERROR)\s*:/.test(l));
  return (fatal ?? lines[lines.length - 1] ?? '').replace(/^(FATAL|ERROR)\s*:\s*/, '');
}

/** `apptainer --version`: "apptainer version 1.3.4" → { binary, version }. */
export function versionSpec(binary: string): CommandSpec<{ binary: string; version: string }> {
  return {
    argv: [binary, '--version'],
    parse: (r) => {
      check(r, `${binary} --version`);
      const m = /(\d+\.\d+(?:\.\d+)?[^\s]*)/.exec(r.stdout);
      if (!m) throw new ApptainerError(`${binary} --version printed no version: ${r.stdout.trim()}`);
      return { binary, version: m[1] };
    },
  };
}

/** `apptainer pull [--force] TARGET URI`. */
export function pullSpec(binary: string, uri: string, target: string, options: { force?: boolean } = {}): CommandSpec<void> {
  const scheme = /^([a-z]+):\/\//.exec(uri)?.[1];
  if (!scheme || !(PULL_SCHEMES as readonly string[]).includes(scheme)) {
    throw new ApptainerError(`"${uri}" is not an image source ReproLab pulls: use docker://, oras:// or library://.`);
  }
  return { argv: [binary, 'pull', ...(options.force ? ['--force'] : []), target, uri], parse: (r) => void check(r, `Pulling ${uri}`) };
}

/** `apptainer run [flags] IMAGE [args]`, as the argv of a command that streams. */
export function runArgv(binary: string, image: string, args: string[] = [], flags?: RunFlags): string[] {
  return [binary, 'run', ...runFlagArgs(flags), image, ...args];
}

/** `apptainer run IMAGE -h`: the entry point's own help, which the run form is built from. */
export function helpArgv(binary: string, image: string): string[] {
  return [binary, 'run', image, '-h'];
}

/** `apptainer exec [flags] IMAGE COMMAND...`. */
export function execSpec(binary: string, image: string, command: string[], flags?: RunFlags): CommandSpec<ExecResult> {
  if (command.length === 0) throw new ApptainerError('exec needs a command to run inside the image.');
  return { argv: [binary, 'exec', ...runFlagArgs(flags), image, ...command], parse: (r) => r };
}

/** What `apptainer inspect --json` prints, read leniently. */
export interface InspectJson {
  labels: Record<string, string>;
  runscript?: string;
  environment?: string;
  deffile?: string;
  raw: unknown;
}

/** `apptainer inspect --json --all IMAGE`. */
export function inspectSpec(binary: string, image: string): CommandSpec<InspectJson> {
  return {
    argv: [binary, 'inspect', '--json', '--all', image],
    parse: (r) => {
      check(r, `Inspecting ${image}`);
      let raw: unknown;
      try {
        raw = JSON.parse(r.stdout);
      } catch {
        throw new ApptainerError(`${binary} inspect printed something that is not JSON; is ${binary} older than 3.0?`, r);
      }
      const attrs = ((raw as { data?: { attributes?: Record<string, unknown> } }).data?.attributes ?? {}) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const labels: Record<string, string> = {};
      if (attrs.labels && typeof attrs.labels === 'object') for (const [k, v] of Object.entries(attrs.labels)) labels[k] = String(v);
      return { labels, runscript: str(attrs.runscript), environment: str(attrs.environment), deffile: str(attrs.deffile), raw };
    },
  };
}

/** `apptainer build [--fakeroot|--remote] [--force] TARGET DEFINITION`. */
export function buildArgv(binary: string, target: string, definition: string, options: { fakeroot?: boolean; remote?: boolean; force?: boolean } = {}): string[] {
  if (options.fakeroot && options.remote) throw new ApptainerError('Choose --fakeroot or --remote for a build, not both.');
  return [binary, 'build', ...(options.fakeroot ? ['--fakeroot'] : []), ...(options.remote ? ['--remote'] : []), ...(options.force ? ['--force'] : []), target, definition];
}

/** The file name Apptainer gives a pulled image: `<name>_<tag>.sif`, as `apptainer pull URI` does. */
export function defaultPullName(uri: string): string {
  const withoutScheme = uri.replace(/^[a-z]+:\/\//, '');
  const [pathPart, digest] = withoutScheme.split('@');
  const last = pathPart.split('/').filter(Boolean).pop() ?? 'image';
  const colon = last.lastIndexOf(':');
  const name = colon > 0 ? last.slice(0, colon) : last;
  const tag = digest ? digest.replace(/^sha256:/, '').slice(0, 12) : colon > 0 ? last.slice(colon + 1) : 'latest';
  return `${name}_${tag}.sif`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Progress in Apptainer's pull output: a message, and a percentage when a bar shows one. */
export function parsePullProgress(line: string): { message: string; percent?: number } | undefined {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes are exactly what is stripped
  const text = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
  if (!text) return undefined;
  const percent = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(text);
  const message = text.replace(/^(INFO|WARNING)\s*:\s*/, '');
  return percent ? { message, percent: Math.min(100, Number(percent[1])) } : { message };
}
