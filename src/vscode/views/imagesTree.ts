import * as path from 'path';
import * as vscode from 'vscode';
import { Host } from '../../core/host/host';
import { formatBytes, ImageFolderListing, listImageFolder, SifFile } from '../../core/images/imageFolders';
import { Settings } from '../settings';

type ImageNode = { kind: 'folder'; listing: ImageFolderListing } | { kind: 'image'; image: SifFile };

/** The Images view: every configured image folder and the `.sif` images in it. */
export class ImagesTreeProvider implements vscode.TreeDataProvider<ImageNode> {
  private readonly changed = new vscode.EventEmitter<ImageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly settings: Settings,
    private readonly localHost: Host,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: ImageNode): Promise<ImageNode[]> {
    if (!node) {
      const folders = this.settings.localImageFolders();
      const listings = await Promise.all(folders.map((folder) => listImageFolder(this.localHost, folder)));
      for (const listing of listings) if (listing.error) this.log.warn(listing.error);
      return listings.map((listing) => ({ kind: 'folder', listing }));
    }
    if (node.kind === 'folder') return node.listing.images.map((image) => ({ kind: 'image', image }));
    return [];
  }

  getTreeItem(node: ImageNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const { listing } = node;
      const count = listing.images.length;
      const item = new vscode.TreeItem(
        vscode.Uri.file(listing.folder),
        count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
      );
      item.label = path.basename(listing.folder) || listing.folder;
      item.iconPath = listing.error ? new vscode.ThemeIcon('warning') : vscode.ThemeIcon.Folder;
      item.description = listing.error ? 'cannot be read' : count === 1 ? '1 image' : `${count} images`;
      item.tooltip = listing.error ?? `${listing.folder} on this machine`;
      item.contextValue = 'reprolab.imageFolder';
      return item;
    }
    const { image } = node;
    const item = new vscode.TreeItem(image.name, vscode.TreeItemCollapsibleState.None);
    item.resourceUri = vscode.Uri.file(image.path);
    item.iconPath = new vscode.ThemeIcon('package');
    item.description = formatBytes(image.size);
    item.tooltip = new vscode.MarkdownString(
      `**${image.name}**\n\n${image.path}\n\n${formatBytes(image.size)}, modified ${image.modified.toLocaleString()}`,
    );
    item.contextValue = 'reprolab.image';
    return item;
  }
}
