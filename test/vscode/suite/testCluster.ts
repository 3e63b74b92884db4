// The cluster the extension tests use: the test sshd, reached through an ssh config in the workspace.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { loadServices, sshConfigFor } from '../../integration/services';

/** In before/after hooks: points reprolab.clusters at the test sshd as cluster "test" (host alias test-login). */
export function useTestCluster(options: { imageFolders?: boolean; extraClusters?: object[] } = {}): void {
  const config = () => vscode.workspace.getConfiguration('reprolab');
  before(async () => {
    const services = loadServices();
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'ssh_config');
    fs.writeFileSync(file, sshConfigFor(services, 'test-login'));
    await config().update('ssh.configFile', file, vscode.ConfigurationTarget.Workspace);
    const cluster = { name: 'test', host: 'test-login', ...(options.imageFolders ? { imageFolders: [services.images.folder] } : {}) };
    await config().update('clusters', [cluster, ...(options.extraClusters ?? [])], vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await config().update('clusters', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('ssh.configFile', undefined, vscode.ConfigurationTarget.Workspace);
  });
}
