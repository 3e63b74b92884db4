import { promises as fs } from 'fs';
import * as path from 'path';

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

/** Lists the `.sif` images directly inside a folder on this machine, sorted by name. */
export async function listLocalImageFolder(folder: string): Promise<ImageFolderListing> {
  let entries: import('fs').Dirent[];
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (err) {
    return { folder, images: [], error: describeFolderError(folder, err) };
  }
  const images: SifFile[] = [];
  for (const entry of entries) {
    if (!isSifName(entry.name) || !(entry.isFile() || entry.isSymbolicLink())) continue;
    const file = path.join(folder, entry.name);
    try {
      const stat = await fs.stat(file);
      if (stat.isFile()) images.push({ name: entry.name, path: file, size: stat.size, modified: stat.mtime });
    } catch {
      // A dangling symlink is not an image; skip it rather than fail the folder.
    }
  }
  images.sort((a, b) => a.name.localeCompare(b.name));
  return { folder, images };
}

function describeFolderError(folder: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `Image folder ${folder} does not exist: create it or remove it from the ReproLab image folders.`;
    case 'ENOTDIR':
      return `Image folder ${folder} is a file, not a folder: point the setting at the folder that holds it.`;
    case 'EACCES':
    case 'EPERM':
      return `Image folder ${folder} cannot be read: check its permissions.`;
    default:
      return `Image folder ${folder} could not be listed (${code ?? String(err)}).`;
  }
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
