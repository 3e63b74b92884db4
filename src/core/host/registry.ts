import * as os from 'os';
import { LOCAL_HOST } from '../settings/clusters';
import { Host, HostError } from './host';
import { LocalHost } from './local';
import { ConnectionState, SshHost, SshPrompter } from './ssh';
import { SshConfigContext } from './sshConfig';

export interface HostRegistryOptions {
  prompter: SshPrompter;
  /** The ~/.ssh/config to read; OpenSSH's default when undefined. */
  sshConfigFile?: () => string | undefined;
  log?: (line: string) => void;
  onStateChange?: (cluster: string, state: ConnectionState, error?: HostError) => void;
}

/** One Host per cluster, made on first use and kept, so every feature shares one SSH connection. */
export class HostRegistry {
  private readonly hosts = new Map<string, { destination: string; host: Host }>();
  /** This machine. */
  readonly local = new LocalHost();

  constructor(private readonly options: HostRegistryOptions) {}

  /** The Host for a cluster's `host` setting: this machine for `local`, else an SSH connection. */
  hostFor(cluster: string, destination: string): Host {
    if (destination === LOCAL_HOST) return this.local;
    const existing = this.hosts.get(cluster);
    if (existing?.destination === destination) return existing.host;
    if (existing) void existing.host.dispose();
    const host = new SshHost({
      name: cluster,
      destination,
      context: this.sshContext(),
      prompter: this.options.prompter,
      log: this.options.log,
      onStateChange: (state, error) => this.options.onStateChange?.(cluster, state, error),
    });
    this.hosts.set(cluster, { destination, host });
    return host;
  }

  /** The SSH connection of a cluster, if one was made. */
  sshHost(cluster: string): SshHost | undefined {
    const host = this.hosts.get(cluster)?.host;
    return host instanceof SshHost ? host : undefined;
  }

  /** Drops hosts of clusters that are no longer configured (or point elsewhere). */
  retain(clusters: { name: string; host: string }[]): void {
    for (const [name, entry] of this.hosts) {
      if (!clusters.some((c) => c.name === name && c.host === entry.destination)) {
        void entry.host.dispose();
        this.hosts.delete(name);
      }
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((entry) => entry.host.dispose()));
    this.hosts.clear();
  }

  private sshContext(): SshConfigContext {
    return {
      home: os.homedir(),
      localUser: os.userInfo().username,
      authSock: process.env.SSH_AUTH_SOCK,
      configFile: this.options.sshConfigFile?.(),
    };
  }
}
