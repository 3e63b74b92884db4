import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';
import { loadServices } from '../../integration/services';

describe('Connect to Cluster against the real sshd', () => {
  let api: ReproLabApi;
  const config = () => vscode.workspace.getConfiguration('reprolab');

  before(async () => {
    const extension = vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!;
    api = await extension.activate();
    const services = loadServices();
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const sshConfig = path.join(workspace, 'ssh_config');
    fs.writeFileSync(sshConfig, [
      'Host test-login',
      `  HostName ${services.ssh.host}`,
      `  Port ${services.ssh.port}`,
      `  User ${services.ssh.user}`,
      `  IdentityFile ${services.ssh.privateKey}`,
      '  IdentityAgent none',
      `  UserKnownHostsFile ${services.ssh.knownHosts}`,
      '',
    ].join('\n'));
    await config().update('ssh.configFile', sshConfig, vscode.ConfigurationTarget.Workspace);
    await config().update('clusters', [{ name: 'test', host: 'test-login' }, { name: 'here', host: 'local' }], vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await config().update('clusters', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('ssh.configFile', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('connects, runs a command over the connection as the cluster user, and disconnects', async () => {
    assert.strictEqual(api.connectionStatus.stateOf('test'), 'disconnected');
    await vscode.commands.executeCommand('reprolab.connect', 'test');
    assert.strictEqual(api.connectionStatus.stateOf('test'), 'connected');
    const host = api.hosts.hostFor('test', 'test-login');
    assert.strictEqual((await host.exec(['id', '-un'])).stdout, 'tester\n');
    assert.strictEqual(await host.home(), '/home/tester');
    await vscode.commands.executeCommand('reprolab.disconnect', 'test');
    assert.strictEqual(api.connectionStatus.stateOf('test'), 'disconnected');
  });

  it('uses this machine for a cluster whose host is local', async () => {
    const host = api.hosts.hostFor('here', 'local');
    assert.strictEqual(host.name, 'local');
    assert.strictEqual((await host.exec(['printf', '%s', 'ok'])).stdout, 'ok');
  });

  it('reports an unknown cluster name as a message, not an exception', async () => {
    await vscode.commands.executeCommand('reprolab.connect', 'no-such-cluster');
    assert.strictEqual(api.connectionStatus.stateOf('no-such-cluster'), 'disconnected');
  });
});
