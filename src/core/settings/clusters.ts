/** The user's cluster and image-folder settings, checked and normalised. */

/** The host value that means "this machine" rather than an SSH host alias. */
export const LOCAL_HOST = 'local';

export interface ClusterSetting {
  /** Name shown in ReproLab's views. */
  name: string;
  /** SSH host alias from ~/.ssh/config, or `local`. */
  host: string;
  /** Folders on the cluster that hold .sif images. */
  imageFolders: string[];
}

export interface ClusterSettings {
  clusters: ClusterSetting[];
  /** One sentence per entry that was skipped, saying what to fix. */
  problems: string[];
}

/** Reads the `reprolab.clusters` setting, keeping every valid entry and explaining every invalid one. */
export function parseClusterSettings(raw: unknown): ClusterSettings {
  const clusters: ClusterSetting[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { clusters, problems };
  if (!Array.isArray(raw)) {
    return { clusters, problems: ['reprolab.clusters must be a list of { "name", "host" } entries; it was ignored.'] };
  }
  const seen = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const where = `reprolab.clusters[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where} must be an object with "name" and "host"; it was skipped.`);
      return;
    }
    const { name, host, imageFolders } = entry as Record<string, unknown>;
    const hostText = typeof host === 'string' ? host.trim() : '';
    if (!hostText) {
      problems.push(`${where} has no "host": give an SSH host alias from ~/.ssh/config or "local".`);
      return;
    }
    if (/\s/.test(hostText)) {
      problems.push(`${where} host "${hostText}" contains spaces: give a single SSH host alias or "local".`);
      return;
    }
    if (name !== undefined && typeof name !== 'string') problems.push(`${where} "name" must be text; the host "${hostText}" is used as its name.`);
    const nameText = typeof name === 'string' && name.trim() ? name.trim() : hostText;
    if (seen.has(nameText)) {
      problems.push(`${where} repeats the cluster name "${nameText}": give each cluster its own name.`);
      return;
    }
    seen.add(nameText);
    if (imageFolders !== undefined && !Array.isArray(imageFolders)) {
      problems.push(`${where} "imageFolders" must be a list of folders, such as ["/scratch/me/images"]; it was ignored.`);
    }
    const listed = Array.isArray(imageFolders) ? imageFolders : [];
    const folders = listed.filter((f): f is string => typeof f === 'string' && f.trim() !== '').map((f) => f.trim());
    if (folders.length !== listed.length) problems.push(`${where} "imageFolders" has entries that are not folder paths; they were skipped.`);
    clusters.push({ name: nameText, host: hostText, imageFolders: folders });
  });
  return { clusters, problems };
}

export interface FolderContext {
  home: string;
  /** The first workspace folder, when one is open. */
  workspaceFolder?: string;
}

/**
 * Expands `~` and `${workspaceFolder}` in a local folder setting; returns undefined when the
 * folder names a workspace folder that is not open.
 */
export function expandLocalFolder(folder: string, context: FolderContext): string | undefined {
  let expanded = folder.trim();
  if (expanded.includes('${workspaceFolder}')) {
    if (!context.workspaceFolder) return undefined;
    expanded = expanded.split('${workspaceFolder}').join(context.workspaceFolder);
  }
  if (expanded === '~') return context.home;
  if (expanded.startsWith('~/')) return joinPosixOrNative(context.home, expanded.slice(2));
  return expanded;
}

function joinPosixOrNative(base: string, rest: string): string {
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  return base.endsWith(sep) ? base + rest : base + sep + rest;
}
