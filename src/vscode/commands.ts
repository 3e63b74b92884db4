import * as vscode from 'vscode';
import { Settings } from './settings';
import { ImagesTreeProvider } from './views/imagesTree';

/** What every command needs: the services built once in extension.ts. */
export interface CommandContext {
  settings: Settings;
  log: vscode.LogOutputChannel;
  imagesTree: ImagesTreeProvider;
}

/** Registers ReproLab's commands; each is a small function of the shared context. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'reprolab.refreshImages': () => ctx.imagesTree.refresh(),
    'reprolab.addImageFolder': () => addImageFolder(ctx),
    'reprolab.openSettings': () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:reprolab.reprolab'),
    'reprolab.showLog': () => ctx.log.show(),
  };
  return Object.entries(commands).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        // The user gets one sentence; the detail goes to the log channel.
        ctx.log.error(`${id} failed:`, err instanceof Error ? (err.stack ?? err.message) : String(err));
        const message = err instanceof Error ? err.message : String(err);
        const choice = await vscode.window.showErrorMessage(message, 'Show Log');
        if (choice === 'Show Log') ctx.log.show();
      }
    }),
  );
}

async function addImageFolder(ctx: CommandContext): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Add Image Folder',
    title: 'Folder that holds Apptainer .sif images',
  });
  const folder = picked?.[0];
  if (!folder) return;
  await ctx.settings.addLocalImageFolder(folder.fsPath);
  ctx.log.info(`Added image folder ${folder.fsPath}`);
  ctx.imagesTree.refresh();
}
