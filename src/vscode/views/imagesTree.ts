import * as path from 'path';
import * as vscode from 'vscode';
import { Host } from '../../core/host/host';
import { HostRegistry } from '../../core/host/registry';
import { formatBytes, ImageFolderListing, listImageFolder, SifFile } from '../../core/images/imageFolders';
import { hostByteSource } from '../../core/sif/byteSource';
import { inspectSif, SifInspection } from '../../core/sif/inspect';
import { readSifHeader } from '../../core/sif/sif';
import { ImageDocuments } from '../imageDocuments';
import { Settings } from '../settings';

/** Where images live: this machine, or one cluster. */
export interface ImageLocation {
  label: string;
  /** The cluster name, or undefined for this machine. */
  cluster?: string;
  host: () => Host;
  folders: string[];
}

export type ImageNode =
  | { kind: 'location'; location: ImageLocation }
  | { kind: 'folder'; location: ImageLocation; listing: ImageFolderListing }
  | { kind: 'image'; location: ImageLocation; image: SifFile; arch?: string }
  | { kind: 'group'; label: string; icon: string; children: ImageNode[] }
  | { kind: 'detail'; label: string; description?: string; tooltip?: string; icon: string; open?: vscode.Uri };

/** The Images view: image folders on this machine and on each cluster, and what is inside every image. */
export class ImagesTreeProvider implements vscode.TreeDataProvider<ImageNode> {
  private readonly changed = new vscode.EventEmitter<ImageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly inspections = new Map<string, { mtime: number; inspection: Promise<SifInspection> }>();

  constructor(
    private readonly settings: Settings,
    private readonly hosts: HostRegistry,
    private readonly documents: ImageDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  private watchers: vscode.Disposable[] = [];

  /** Watches this machine's image folders, so a pulled, copied or deleted image shows up by itself. */
  watchLocalFolders(): void {
    this.watchers.splice(0).forEach((w) => w.dispose());
    for (const folder of this.settings.localImageFolders()) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '*.{sif,SIF}'));
      const refresh = () => this.refresh();
      this.watchers.push(watcher, watcher.onDidCreate(refresh), watcher.onDidDelete(refresh), watcher.onDidChange(refresh));
    }
  }

  dispose(): void {
    this.watchers.splice(0).forEach((w) => w.dispose());
  }

  /** Where images are: this machine's folders, then each cluster with image folders. */
  locations(): ImageLocation[] {
    const locations: ImageLocation[] = [];
    const local = this.settings.localImageFolders();
    if (local.length) locations.push({ label: 'This machine', host: () => this.hosts.local, folders: local });
    for (const cluster of this.settings.clusters().clusters) {
      if (!cluster.imageFolders.length) continue;
      locations.push({ label: cluster.name, cluster: cluster.name, host: () => this.hosts.hostFor(cluster.name, cluster.host), folders: cluster.imageFolders });
    }
    return locations;
  }

  async getChildren(node?: ImageNode): Promise<ImageNode[]> {
    if (!node) {
      const locations = this.locations();
      // With only this machine's folders, the folders themselves are the top level.
      if (locations.length === 1 && !locations[0].cluster) return this.folderNodes(locations[0]);
      return locations.map((location) => ({ kind: 'location', location }));
    }
    switch (node.kind) {
      case 'location':
        return this.folderNodes(node.location);
      case 'folder':
        return Promise.all(node.listing.images.map((image) => this.imageNode(node.location, image)));
      case 'image':
        return this.imageDetails(node);
      case 'group':
        return node.children;
      default:
        return [];
    }
  }

  private async folderNodes(location: ImageLocation): Promise<ImageNode[]> {
    const host = location.host();
    const home = location.cluster ? await host.home().catch(() => '') : '';
    const listings = await Promise.all(location.folders.map((folder) => listImageFolder(host, home && !folder.startsWith('/') ? `${home}/${folder}` : folder)));
    for (const listing of listings) if (listing.error) this.log.warn(listing.error);
    // The walkthrough's "find an image" step completes once the view has shown one.
    if (listings.some((l) => l.images.length)) void vscode.commands.executeCommand('setContext', 'reprolab.hasImages', true);
    return listings.map((listing) => ({ kind: 'folder', location, listing }));
  }

  private async imageNode(location: ImageLocation, image: SifFile): Promise<ImageNode> {
    try {
      const header = await readSifHeader(await hostByteSource(location.host(), image.path), image.name);
      return { kind: 'image', location, image, arch: header.arch };
    } catch {
      return { kind: 'image', location, image }; // the details say what is wrong when expanded
    }
  }

  /** Inspects an image once per modification time; the tree and the commands share the result. */
  inspect(location: ImageLocation, image: SifFile): Promise<SifInspection> {
    const key = `${location.cluster ?? ''}\0${image.path}`;
    const cached = this.inspections.get(key);
    if (cached && cached.mtime === image.modified.getTime()) return cached.inspection;
    const inspection = hostByteSource(location.host(), image.path).then((source) => inspectSif(source, image.name));
    this.inspections.set(key, { mtime: image.modified.getTime(), inspection });
    inspection.catch(() => this.inspections.delete(key));
    return inspection;
  }

  private async imageDetails(node: Extract<ImageNode, { kind: 'image' }>): Promise<ImageNode[]> {
    let inspection: SifInspection;
    try {
      inspection = await this.inspect(node.location, node.image);
    } catch (err) {
      return [{ kind: 'detail', label: (err as Error).message, icon: 'warning', tooltip: (err as Error).message }];
    }
    const doc = (part: string, content: string, language: string) => this.documents.register(node.location.label, node.image.path, part, content, language);
    const details: ImageNode[] = [];
    if (inspection.definition) {
      details.push({ kind: 'detail', label: 'Definition file', description: inspection.bootstrap ? `${inspection.bootstrap}${inspection.from ? `: ${inspection.from}` : ''}` : undefined, icon: 'file-code', open: doc('definition.def', inspection.definition, 'apptainer') });
    }
    if (inspection.runscript) details.push({ kind: 'detail', label: 'Runscript', icon: 'play', open: doc('runscript.sh', inspection.runscript, 'shellscript') });
    const labels = Object.entries(inspection.labels);
    details.push({
      kind: 'group', label: `Labels (${labels.length})`, icon: 'tag',
      children: labels.map(([k, v]) => ({ kind: 'detail', label: k, description: v, tooltip: `${k}: ${v}`, icon: 'symbol-key' })),
    });
    const env = Object.entries(inspection.environment);
    details.push({
      kind: 'group', label: `Environment (${env.length})`, icon: 'symbol-variable',
      children: env.map(([file, script]) => ({ kind: 'detail', label: path.posix.basename(file), tooltip: file, icon: 'file', open: doc(`environment/${path.posix.basename(file)}`, script, 'shellscript') })),
    });
    if (inspection.help) details.push({ kind: 'detail', label: 'Help', icon: 'question', open: doc('help.txt', inspection.help, 'plaintext') });
    for (const app of inspection.apps) details.push({ kind: 'detail', label: `App: ${app}`, icon: 'symbol-module' });
    details.push(inspection.signatures.length
      ? { kind: 'detail', label: 'Signed', description: inspection.signatures.map((s) => s.fingerprint || s.hash).join(', '), icon: 'verified', tooltip: inspection.signatures.map((s) => `${s.fingerprint || 'no fingerprint'} (${s.hash}, signs ${s.signs})`).join('\n') }
      : { kind: 'detail', label: 'Not signed', icon: 'unverified' });
    for (const p of inspection.partitions) {
      details.push({ kind: 'detail', label: `Partition ${p.id}`, description: `${p.fs} ${p.type} · ${p.arch} · ${formatBytes(p.size)}`, icon: 'database' });
    }
    for (const warning of inspection.warnings) details.push({ kind: 'detail', label: warning, icon: 'warning' });
    return details;
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    switch (node.kind) {
      case 'location': {
        const item = new vscode.TreeItem(node.location.label, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.location.cluster ? 'remote' : 'device-desktop');
        item.contextValue = 'reprolab.imageLocation';
        return item;
      }
      case 'folder': {
        const { listing } = node;
        const count = listing.images.length;
        const item = new vscode.TreeItem(path.posix.basename(listing.folder) || listing.folder, count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `folder:${node.location.cluster ?? ''}:${listing.folder}`;
        item.iconPath = new vscode.ThemeIcon(listing.error ? 'warning' : 'folder');
        item.description = listing.error ? 'cannot be read' : count === 1 ? '1 image' : `${count} images`;
        const where = node.location.cluster ? `on ${node.location.cluster}` : 'on this machine';
        item.tooltip = listing.error ?? `${listing.folder} ${where}`;
        item.contextValue = 'reprolab.imageFolder';
        return item;
      }
      case 'image': {
        const { image } = node;
        const item = new vscode.TreeItem(image.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `image:${node.location.cluster ?? ''}:${image.path}`;
        item.iconPath = new vscode.ThemeIcon('package');
        item.description = [formatBytes(image.size), node.arch, age(image.modified)].filter(Boolean).join(' · ');
        item.tooltip = new vscode.MarkdownString(`**${image.name}**\n\n${image.path}${node.location.cluster ? ` on ${node.location.cluster}` : ''}\n\n${formatBytes(image.size)}${node.arch ? `, ${node.arch}` : ''}, modified ${image.modified.toLocaleString()}`);
        item.contextValue = node.location.cluster ? 'reprolab.image.remote' : 'reprolab.image.local';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.label, node.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.open) item.command = { title: 'Open', command: 'vscode.open', arguments: [node.open, { preview: true }] };
        return item;
      }
    }
  }
}

/** "3 minutes ago", "2 days ago": how old an image is, as the Explorer's timeline says it. */
export function age(date: Date, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  const steps: [number, string][] = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (value < size) return value <= 1 && unit === 'second' ? 'just now' : `${value} ${unit}${value === 1 ? '' : 's'} ago`;
    value = Math.floor(value / size);
  }
  return '';
}
