import * as os from 'os';
import * as vscode from 'vscode';
import { ClusterSettings, expandLocalFolder, parseClusterSettings } from '../core/settings/clusters';

export const SECTION = 'reprolab';

/** Reads ReproLab's settings from VS Code's configuration. */
export class Settings {
  clusters(): ClusterSettings {
    return parseClusterSettings(vscode.workspace.getConfiguration(SECTION).get('clusters'));
  }

  /** Local image folders with `~` and `${workspaceFolder}` expanded, in the order the user gave. */
  localImageFolders(): string[] {
    const raw = vscode.workspace.getConfiguration(SECTION).get<unknown>('imageFolders');
    const folders = Array.isArray(raw) ? raw.filter((f): f is string => typeof f === 'string' && f.trim() !== '') : [];
    const context = { home: os.homedir(), workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath };
    const expanded = folders.map((f) => expandLocalFolder(f, context)).filter((f): f is string => f !== undefined);
    return [...new Set(expanded)];
  }

  /** Adds a local image folder, to the workspace settings when a folder is open, else the user's. */
  async addLocalImageFolder(folder: string): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    const inspected = config.inspect<string[]>('imageFolders');
    const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
    if (!current.includes(folder)) await config.update('imageFolders', [...current, folder], target);
  }

  /** The ssh config file to read, or undefined for OpenSSH's default. */
  sshConfigFile(): string | undefined {
    const value = vscode.workspace.getConfiguration(SECTION).get<string>('ssh.configFile', '').trim();
    if (!value) return undefined;
    return expandLocalFolder(value, { home: os.homedir(), workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath });
  }

  rememberSecrets(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('ssh.rememberSecrets', false);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) listener();
    });
  }
}
