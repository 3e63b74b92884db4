// What test/services/up.sh started: addresses, users, keys and tokens of the real services.
import * as fs from 'fs';
import * as path from 'path';

export interface Services {
  ssh: {
    host: string; port: number; mfaPort: number; jumpPort: number; user: string; password: string;
    privateKey: string; encryptedKey: string; passphrase: string; hostPublicKey: string; knownHosts: string;
    logs: { main: string; mfa: string; jump: string };
  };
  slurm: { partition: string; cluster: string };
  /** example: the SIF of examples/sklearn-lab; exampleData: a folder holding its breast_cancer.csv, readable by the test user. */
  images: { folder: string; lab: string; notebook?: string; example: string; exampleData: string };
  jupyter: { url: string; token: string };
}

export const servicesDir = process.env.REPROLAB_SERVICES ?? '/tmp/reprolab-services';

/** Reads services.json, failing with what to run when the services are not up. */
export function loadServices(): Services {
  const file = path.join(servicesDir, 'services.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: start the services with sudo test/services/up.sh`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Services;
}

/** A `Host ALIAS` block of ~/.ssh/config that reaches the test sshd as the test user with its key. */
export function sshConfigFor(services: Services, alias: string, port = services.ssh.port, extra: string[] = []): string {
  return [
    `Host ${alias}`, `  HostName ${services.ssh.host}`, `  Port ${port}`, `  User ${services.ssh.user}`,
    `  IdentityFile ${services.ssh.privateKey}`, '  IdentityAgent none', `  UserKnownHostsFile ${services.ssh.knownHosts}`,
    ...extra.map((l) => `  ${l}`), '',
  ].join('\n');
}
