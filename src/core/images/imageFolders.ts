import { Host, HostError } from '../host/host';

/** A `.sif` file found in an image folder. */
export interface SifFile {
  name: string;
  path: string;
  size: number;
  modified: Date;
}

/** What listing one image folder found: its images, or why it could not be read. */
export interface ImageFolderListing {
  folder: string;
  images: SifFile[];
  /** One sentence saying what went wrong and what to do, when the folder could not be read. */
  error?: string;
}

/** True for names Apptainer images carry (`.sif`, any case). */
export function isSifName(name: string): boolean {
  return /\.sif$/i.test(name) && name.length > 4;
}

/** Lists the `.sif` images directly inside a folder on a host, sorted by name. */
export async function listImageFolder(host: Host, folder: string): Promise<ImageFolderListing> {
  const where = host.name === 'local' ? '' : ` on ${host.name}`;
  try {
    const stat = await host.stat(folder);
    if (!stat.isDirectory) {
      return { folder, images: [], error: `Image folder ${folder}${where} is a file, not a folder: point the setting at the folder that holds it.` };
    }
    const entries = await host.list(folder);
    const images = entries
      .filter((e) => e.isFile && isSifName(e.name))
      .map((e) => ({ name: e.name, path: joinPath(folder, e.name), size: e.size, modified: e.mtime }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { folder, images };
  } catch (err) {
    return { folder, images: [], error: describeFolderError(folder, where, err) };
  }
}

function describeFolderError(folder: string, where: string, err: unknown): string {
  if (!(err instanceof HostError)) return `Image folder ${folder}${where} could not be listed: ${String(err)}`;
  switch (err.kind) {
    case 'not-found':
      return `Image folder ${folder}${where} does not exist: create it or remove it from the ReproLab image folders.`;
    case 'permission':
      return `Image folder ${folder}${where} cannot be read: check its permissions.`;
    default:
      return err.message;
  }
}

function joinPath(folder: string, name: string): string {
  return folder.endsWith('/') ? folder + name : `${folder}/${name}`;
}

/** Formats a byte count the way file managers do: 1.5 GiB, 320 KiB, 12 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
