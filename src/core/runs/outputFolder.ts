/** Output folders that are never overwritten silently, and the record every run leaves beside them. */
import { Host, HostError } from '../host/host';
import { RunConfig } from './runConfig';

/** `lab_seed-0_20261203-142501`: the configuration's name, the seed and the time, UTC. */
export function runFolderName(configName: string, seed: unknown, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safeName = configName.replace(/[^A-Za-z0-9._-]+/g, '_') || 'run';
  const safeSeed = seed === undefined || seed === null ? 'none' : String(seed).replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safeName}_seed-${safeSeed}_${stamp}`;
}

/** Where a run writes: a fresh folder under output.root, or output.folder when reuse was chosen. */
export function plannedOutputFolder(config: RunConfig, configName: string, seed: unknown, now: Date, defaultRoot: string): string {
  if (config.output?.policy === 'reuse') {
    if (!config.output.folder) throw new Error('output.policy is reuse but output.folder is not set: name the folder to write into.');
    return config.output.folder;
  }
  const root = (config.output?.root ?? defaultRoot).replace(/\/+$/, '');
  return `${root}/${runFolderName(configName, seed, now)}`;
}

/** Refuses a folder that already holds files unless the configuration says to reuse it. */
export async function checkOutputFolder(host: Host, folder: string, policy: 'new-folder' | 'reuse' = 'new-folder'): Promise<'new' | 'empty' | 'reused'> {
  let entries;
  try {
    entries = await host.list(folder);
  } catch (err) {
    if (err instanceof HostError && err.kind === 'not-found') return 'new';
    throw err;
  }
  if (entries.length === 0) return 'empty';
  if (policy === 'reuse') return 'reused';
  throw new HostError('exists', `${folder} already holds results (${entries.slice(0, 3).map((e) => e.name).join(', ')}${entries.length > 3 ? ', ...' : ''}); ReproLab will not overwrite them. Run again for a fresh folder, or set output.policy to reuse.`);
}

/** What every run records beside its outputs, as run.json. */
export interface RunRecord {
  reprolab: string;
  configName: string;
  image: { path: string; id?: string; sha256?: string };
  /** Set for a run of the lab outside the container, with the image it stands beside. */
  native?: { command: string[]; cwd?: string };
  host: string;
  apptainer?: { binary: string; version: string };
  command: string[];
  arguments: Record<string, unknown>;
  seed: unknown;
  outputFolder: string;
  jobId?: string;
  /** The process group of a run started directly on its host. */
  pid?: number;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number | null;
  /** Set when the run was ended by a signal or cancelled. */
  signal?: string;
}
