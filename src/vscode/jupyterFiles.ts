import type { ContentsManager } from '@jupyterlab/services';
import * as vscode from 'vscode';

export const JUPYTER_SCHEME = 'reprolab-jupyter';

/**
 * The files of a Jupyter server run by ReproLab, as `reprolab-jupyter://SERVER/path`: a notebook
 * opened from it is read and saved through the server's contents API, beside its PDFs and outputs.
 */
export class JupyterFiles implements vscode.FileSystemProvider {
  private readonly servers = new Map<string, ContentsManager>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  /** Makes a server's files reachable under its key; returns the URI of a path on it. */
  add(key: string, contents: ContentsManager): vscode.Uri {
    this.servers.set(key, contents);
    return vscode.Uri.from({ scheme: JUPYTER_SCHEME, authority: key, path: '/' });
  }

  remove(key: string): void {
    this.servers.get(key)?.dispose();
    this.servers.delete(key);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const model = await this.call(uri, (c, path) => c.get(path, { content: false }));
    return {
      type: model.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File,
      ctime: Date.parse(model.created) || 0,
      mtime: Date.parse(model.last_modified) || 0,
      size: model.size ?? 0,
    };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const model = await this.call(uri, (c, path) => c.get(path, { content: true }));
    return (model.content as { name: string; type: string }[]).map((m) => [m.name, m.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    // Notebooks come back as their JSON text, so VS Code's own .ipynb serializer reads them.
    const model = await this.call(uri, (c, path) => c.get(path, { content: true, type: 'file', format: 'base64' }));
    return Buffer.from(String(model.content), 'base64');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    await this.call(uri, (c, path) => c.save(path, { type: 'file', format: 'base64', content: Buffer.from(content).toString('base64') }));
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    await this.call(uri, (c, path) => c.save(path, { type: 'directory' }));
  }

  async delete(uri: vscode.Uri): Promise<void> {
    await this.call(uri, (c, path) => c.delete(path));
  }

  async rename(from: vscode.Uri, to: vscode.Uri): Promise<void> {
    await this.call(from, (c, path) => c.rename(path, to.path.replace(/^\/+/, '')));
  }

  private async call<T>(uri: vscode.Uri, action: (contents: ContentsManager, path: string) => Promise<T>): Promise<T> {
    const contents = this.servers.get(uri.authority);
    if (!contents) throw vscode.FileSystemError.Unavailable(`The Jupyter server of ${uri.toString()} has stopped: open the notebook again from ReproLab.`);
    try {
      return await action(contents, uri.path.replace(/^\/+/, ''));
    } catch (err) {
      const status = (err as { response?: { status?: number } }).response?.status;
      if (status === 404) throw vscode.FileSystemError.FileNotFound(uri);
      throw vscode.FileSystemError.Unavailable(`The Jupyter server refused ${uri.path}: ${(err as Error).message}`);
    }
  }
}
