import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ReproLabApi } from '../../../src/extension';
import { useTestCluster } from './testCluster';

describe('Connect to Cluster against the real sshd', () => {
  let api: ReproLabApi;

  useTestCluster({ extraClusters: [{ name: 'here', host: 'local' }] });
  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
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
