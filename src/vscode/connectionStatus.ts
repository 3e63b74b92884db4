import * as vscode from 'vscode';
import { HostError } from '../core/host/host';
import { ConnectionState } from '../core/host/ssh';
import { ClusterSetting, LOCAL_HOST } from '../core/settings/clusters';

const ICONS: Record<ConnectionState, string> = {
  disconnected: '$(debug-disconnect)',
  connecting: '$(loading~spin)',
  connected: '$(remote)',
  failed: '$(error)',
};

/** One status bar item per SSH cluster, showing its connection state; a click connects or disconnects. */
export class ConnectionStatus implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  private readonly states = new Map<string, { state: ConnectionState; error?: HostError }>();
  private readonly destinations = new Map<string, string>();

  update(clusters: ClusterSetting[]): void {
    const ssh = clusters.filter((c) => c.host !== LOCAL_HOST);
    for (const [name, item] of this.items) {
      if (!ssh.some((c) => c.name === name)) {
        item.dispose();
        this.items.delete(name);
      }
    }
    for (const cluster of ssh) {
      if (!this.items.has(cluster.name)) {
        const item = vscode.window.createStatusBarItem(`reprolab.connection.${cluster.name}`, vscode.StatusBarAlignment.Left, 50);
        item.name = `ReproLab: ${cluster.name}`;
        this.items.set(cluster.name, item);
      }
      this.destinations.set(cluster.name, cluster.host);
      this.render(cluster.name);
    }
  }

  setState(cluster: string, state: ConnectionState, error?: HostError): void {
    this.states.set(cluster, { state, error });
    this.render(cluster);
  }

  stateOf(cluster: string): ConnectionState {
    return this.states.get(cluster)?.state ?? 'disconnected';
  }

  private render(cluster: string): void {
    const destination = this.destinations.get(cluster);
    const item = this.items.get(cluster);
    if (!item) return;
    const { state, error } = this.states.get(cluster) ?? { state: 'disconnected' as ConnectionState };
    item.text = `${ICONS[state]} ${cluster}`;
    const where = destination ? ` (${destination})` : '';
    const action = state === 'connected' ? ' Click to disconnect.' : state === 'connecting' ? '' : ' Click to connect.';
    item.tooltip = error && state !== 'connected' && state !== 'connecting' ? `${cluster}${where}: ${error.message}` : `${cluster}${where}: ${state}.${action}`;
    item.command = { title: state === 'connected' ? 'Disconnect' : 'Connect', command: state === 'connected' ? 'reprolab.disconnect' : 'reprolab.connect', arguments: [cluster] };
    item.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  }

  dispose(): void {
    for (const item of this.items.values()) item.dispose();
    this.items.clear();
  }
}
