/**
 * Explore: the checks the lab asks for (OS release, Python version, installed packages), run on
 * the host and inside the image, laid out line for line so a diff shows what differs.
 */
import { Host } from '../host/host';
import { RunFlags, runFlagArgs } from './commands';
import { probeApptainer } from './probe';

/** One shell script, run on the host and in the image, with sections split by a marker line. */
const MARKER = '--reprolab-explore--';
export const EXPLORE_SCRIPT = [
  'cat /etc/os-release 2>/dev/null',
  `echo ${MARKER}`,
  '(python3 --version || python --version) 2>&1',
  `echo ${MARKER}`,
  '(python3 -m pip freeze --all || pip freeze --all || python3 -m pip list --format=freeze) 2>/dev/null',
].join('; ');

export interface ExploreReport {
  os: string;
  python: string;
  /** Package name (lower case) → version, from pip freeze. */
  packages: Map<string, string>;
}

/** The argv that runs the checks on the host itself. */
export function hostExploreArgv(): string[] {
  return ['sh', '-c', EXPLORE_SCRIPT];
}

/** The argv that runs the same checks inside an image. */
export function imageExploreArgv(binary: string, image: string, flags?: RunFlags): string[] {
  return [binary, 'exec', ...runFlagArgs(flags), image, 'sh', '-c', EXPLORE_SCRIPT];
}

/** Reads the script's output; sections that printed nothing are reported as such. */
export function parseExplore(stdout: string): ExploreReport {
  const [osText = '', pythonText = '', pipText = ''] = stdout.split(`${MARKER}\n`);
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osText)?.[1];
  const packages = new Map<string, string>();
  for (const line of pipText.split('\n')) {
    const m = /^([A-Za-z0-9_.-]+)\s*(?:==|@|\s)\s*(.+)$/.exec(line.trim());
    if (m) packages.set(m[1].toLowerCase().replace(/_/g, '-'), m[2].trim());
  }
  const python = /Python\s+(\S+)/.exec(pythonText)?.[1];
  return { os: pretty ?? 'unknown (no /etc/os-release)', python: python ? `Python ${python}` : 'no Python found', packages };
}

/** Both sides as aligned text: the same line holds the same package, so a diff highlights versions that differ. */
export function formatExplorePair(host: ExploreReport, image: ExploreReport, labels: { host: string; image: string }): { host: string; image: string; differing: string[] } {
  const names = [...new Set([...host.packages.keys(), ...image.packages.keys()])].sort();
  const line = (r: ExploreReport, name: string) => `${name}==${r.packages.get(name) ?? '(not installed)'}`;
  const side = (r: ExploreReport, label: string) =>
    [`# ${label}`, `OS:     ${r.os}`, `Python: ${r.python}`, `Packages (${r.packages.size}):`, ...names.map((n) => line(r, n))].join('\n') + '\n';
  const differing = names.filter((n) => host.packages.get(n) !== image.packages.get(n));
  return { host: side(host, labels.host), image: side(image, labels.image), differing };
}

type ExploreOptions = { signal?: AbortSignal; where?: string };

/** Runs the checks on a host itself; a failure that printed nothing says why in one sentence. */
export async function exploreHost(host: Host, options: ExploreOptions = {}): Promise<ExploreReport> {
  return runChecks(host, hostExploreArgv(), 'Checking the host', options);
}

/** Runs the checks inside an image on a host; a failure that printed nothing says why in one sentence. */
export async function exploreImage(host: Host, image: string, options: ExploreOptions = {}): Promise<ExploreReport> {
  const apptainer = await probeApptainer(host);
  return runChecks(host, imageExploreArgv(apptainer.binary, image), `Running checks inside ${image}`, options);
}

async function runChecks(host: Host, argv: string[], what: string, options: ExploreOptions): Promise<ExploreReport> {
  const result = await host.exec(argv, { signal: options.signal, timeoutMs: 5 * 60 * 1000 });
  if (result.code !== 0 && !result.stdout.trim()) {
    throw new Error(`${what} failed on ${options.where ?? 'this machine'}: ${result.stderr.trim().split('\n').pop() || `exit code ${result.code}`}`);
  }
  return parseExplore(result.stdout);
}
