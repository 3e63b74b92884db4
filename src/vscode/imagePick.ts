import * as vscode from 'vscode';
import { SifFile } from '../core/images/imageFolders';
import { CommandContext } from './commands';
import { ImageLocation } from './views/imagesTree';

/** Asks which image, among every image the Images view lists (on this machine and each cluster). */
export async function pickImage(ctx: CommandContext, placeHolder: string): Promise<{ location: ImageLocation; image: SifFile } | undefined> {
  const locations = ctx.imagesTree.locations();
  if (!locations.length) throw new Error('Add an image folder first (Add Image Folder, or a cluster\'s imageFolders): the image is chosen from the Images view.');
  const items = vscode.window.withProgress({ location: { viewId: 'reprolab.images' } }, async () => {
    const found: (vscode.QuickPickItem & { location: ImageLocation; image: SifFile })[] = [];
    for (const location of locations) {
      for (const folder of await ctx.imagesTree.getChildren({ kind: 'location', location })) {
        if (folder.kind !== 'folder') continue;
        for (const image of folder.listing.images) found.push({ label: image.name, description: location.label, detail: image.path, location, image });
      }
    }
    if (!found.length) throw new Error('The image folders hold no .sif images yet: build or pull one first.');
    return found;
  });
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true })) ?? undefined;
}
