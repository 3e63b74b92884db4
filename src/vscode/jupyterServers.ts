import * as vscode from 'vscode';

/** The part of the Jupyter extension's API (ms-toolsai.jupyter) ReproLab uses. */
interface JupyterApi {
  createJupyterServerCollection(id: string, label: string, provider: JupyterServerProvider): { dispose(): void };
}

interface JupyterServer {
  readonly id: string;
  readonly label: string;
  readonly connectionInformation?: { readonly baseUrl: vscode.Uri; readonly token?: string };
}

interface JupyterServerProvider {
  onDidChangeServers?: vscode.Event<void>;
  provideJupyterServers(token: vscode.CancellationToken): vscode.ProviderResult<JupyterServer[]>;
  resolveJupyterServer(server: JupyterServer, token: vscode.CancellationToken): vscode.ProviderResult<JupyterServer>;
}

export const JUPYTER_EXTENSION = 'ms-toolsai.jupyter';

/** A server ReproLab started, as its kernel picker shows it. */
export interface SlurmJupyterServer {
  id: string;
  label: string;
  localPort: number;
  token: string;
}

/**
 * "ReproLab on Slurm" in the Jupyter extension's kernel picker: each running server resolves to its
 * forwarded local port and token. Registered only when the Jupyter extension is installed.
 */
export class SlurmJupyterServers implements vscode.Disposable {
  private readonly servers = new Map<string, SlurmJupyterServer>();
  private readonly changed = new vscode.EventEmitter<void>();
  private collection?: { dispose(): void };

  /** Whether the Jupyter extension is installed, so its kernel picker can list the servers. */
  static available(): boolean {
    return vscode.extensions.getExtension(JUPYTER_EXTENSION) !== undefined;
  }

  /** Lists a server in the kernel picker (registering the collection on first use). */
  async add(server: SlurmJupyterServer): Promise<void> {
    this.servers.set(server.id, server);
    if (!this.collection) {
      const extension = vscode.extensions.getExtension<JupyterApi>(JUPYTER_EXTENSION);
      if (!extension) return;
      const api = extension.isActive ? extension.exports : await extension.activate();
      this.collection = api.createJupyterServerCollection('reprolab-slurm', 'ReproLab on Slurm', {
        onDidChangeServers: this.changed.event,
        provideJupyterServers: () => [...this.servers.values()].map((s) => ({ id: s.id, label: s.label })),
        resolveJupyterServer: (wanted) => {
          const s = this.servers.get(wanted.id);
          return s ? { id: s.id, label: s.label, connectionInformation: { baseUrl: vscode.Uri.parse(`http://127.0.0.1:${s.localPort}`), token: s.token } } : undefined;
        },
      });
    }
    this.changed.fire();
  }

  remove(id: string): void {
    if (this.servers.delete(id)) this.changed.fire();
  }

  dispose(): void {
    this.collection?.dispose();
    this.changed.dispose();
  }
}
