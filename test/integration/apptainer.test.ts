// The Apptainer specs against the tests' stand-in (test/standin/apptainer) and a real SIF, on this
// machine and on the cluster over the real sshd.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseHelp } from '../../src/core/argparse/help';
import { cancelLocalRun, localRunStatus, LocalRunStatus, startLocalRun } from '../../src/core/runs/localRun';
import { followLog } from '../../src/core/slurm/logFollower';
import { execSpec, parsePullProgress, pullSpec, runArgv } from '../../src/core/apptainer/commands';
import { formatExplorePair, hostExploreArgv, imageExploreArgv, parseExplore } from '../../src/core/apptainer/explore';
import { probeApptainer } from '../../src/core/apptainer/probe';
import { Host, HostError } from '../../src/core/host/host';
import { LocalHost } from '../../src/core/host/local';
import { hostByteSource } from '../../src/core/sif/byteSource';
import { inspectSif } from '../../src/core/sif/inspect';
import { labConfig, makeHome, newHost, ScriptedUser } from './sshFixtures';
import { loadServices } from './services';

const services = loadServices();

describe('Apptainer on a host', function () {
  this.timeout(60000);
  const home = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none']), { knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8') });
  const hosts: [string, Host][] = [['this machine', new LocalHost()], ['the cluster over SSH', newHost(home, new ScriptedUser())]];
  after(async () => {
    for (const [, host] of hosts) await host.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  for (const [where, host] of hosts) {
    describe(where, () => {
      it('finds apptainer once and remembers it', async () => {
        const first = await probeApptainer(host);
        assert.match(first.binary, /\/apptainer$/);
        assert.match(first.version, /^1\.3\.6/);
        assert.strictEqual(await probeApptainer(host), first);
      });

      it('runs the image and execs inside it, with arguments intact', async () => {
        const { binary } = await probeApptainer(host);
        const run = await host.exec(runArgv(binary, services.images.lab, ['--random-state', "it's 0"]));
        assert.strictEqual(run.stdout, "lab image running with: --random-state it's 0\n");
        const inside = await host.exec(execSpec(binary, services.images.lab, ['cat', '/etc/os-release']).argv);
        assert.match(inside.stdout, /^PRETTY_NAME="ReproLab lab image \(busybox\)"$/m);
      });

      it('explores host and image side by side', async () => {
        const { binary } = await probeApptainer(host);
        const hostReport = parseExplore((await host.exec(hostExploreArgv())).stdout);
        const imageReport = parseExplore((await host.exec(imageExploreArgv(binary, services.images.lab))).stdout);
        assert.strictEqual(imageReport.os, 'ReproLab lab image (busybox)');
        assert.strictEqual(imageReport.python, 'Python 3.11.2');
        assert.deepStrictEqual([...imageReport.packages.keys()], ['joblib', 'numpy', 'pandas', 'pyyaml', 'scikit-learn']);
        assert.match(hostReport.os, /Debian GNU\/Linux 12/);
        const pair = formatExplorePair(hostReport, imageReport, { host: where, image: 'lab.sif' });
        assert.strictEqual(pair.host.split('\n').length, pair.image.split('\n').length);
      });

      it('pulls an image with progress on stderr, refuses to overwrite, and can be cancelled', async () => {
        const { binary } = await probeApptainer(host);
        const folder = (await host.exec(['mktemp', '-d'])).stdout.trim();
        const target = `${folder}/lab_1.0.sif`;
        const lines: string[] = [];
        const status = await host.stream(pullSpec(binary, 'docker://reprolab/lab:1.0', target).argv, { onStderr: (c) => lines.push(...c.toString().split('\n').filter(Boolean)) }).done;
        assert.strictEqual(status.code, 0);
        assert.deepStrictEqual(lines.map((l) => parsePullProgress(l)?.percent).filter((p) => p !== undefined), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        assert.strictEqual((await host.stat(target)).size, fs.statSync(services.images.lab).size);
        const again = await host.exec(pullSpec(binary, 'docker://reprolab/lab:1.0', target).argv);
        assert.throws(() => pullSpec(binary, 'docker://reprolab/lab:1.0', target).parse(again), /Image file already exists/);
        const missing = await host.exec(pullSpec(binary, 'docker://reprolab/nothing:2', `${folder}/x.sif`).argv);
        assert.throws(() => pullSpec(binary, 'docker://reprolab/nothing:2', `${folder}/x.sif`).parse(missing), /manifest unknown/);
        const cancelled = `${folder}/cancelled.sif`;
        const running = host.stream(pullSpec(binary, 'docker://reprolab/lab:1.0', cancelled).argv, { onStderr: () => running.cancel() });
        await assert.rejects(running.done, (err: unknown) => err instanceof HostError && err.kind === 'cancelled');
        await assert.rejects(host.stat(cancelled), (err: unknown) => err instanceof HostError && err.kind === 'not-found');
        await host.exec(['rm', '-rf', '--', folder]);
      });

      it('inspects the image through byte ranges, reading a small part of it', async () => {
        const source = await hostByteSource(host, services.images.lab);
        const inspection = await inspectSif(source, 'lab.sif');
        assert.strictEqual(inspection.source, 'definition file');
        assert.deepStrictEqual(inspection.labels, { 'org.reprolab.lab': 'explore', maintainer: 'ReproLab tests' });
        assert.ok(inspection.bytesRead < 64 * 1024, `${inspection.bytesRead} bytes read of ${source.size}`);
      });
    });
  }
});

describe('Running a configuration on a host (local target)', function () {
  this.timeout(60000);
  const home = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none']), { knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8') });
  const hosts: [string, Host][] = [['this machine', new LocalHost()], ['the cluster over SSH', newHost(home, new ScriptedUser())]];
  const form = parseHelp(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'abide-demo-help-cols200.txt'), 'utf8'));
  after(async () => {
    for (const [, host] of hosts) await host.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** Follows a background run's log until it has ended; returns the log and how it ended. */
  async function followToEnd(host: Host, run: { logPath: string; outputFolder: string; pid: number }) {
    const chunks: Buffer[] = [];
    let status: LocalRunStatus = { state: 'RUNNING' };
    await followLog(host, run.logPath, {
      onData: (c) => chunks.push(c),
      jobEnded: async () => (status = (await localRunStatus(host, [run]))[0]).state !== 'RUNNING',
      minPollMs: 50, maxPollMs: 200,
    });
    return { log: Buffer.concat(chunks).toString(), status };
  }

  for (const [where, host] of hosts) {
    it(`runs the image on ${where} in the background into a fresh folder, with its log and run record, and never reuses it`, async () => {
      const root = (await host.exec(['mktemp', '-d'])).stdout.trim();
      const apptainer = await probeApptainer(host);
      const now = new Date('2026-12-03T10:00:00Z');
      const config = { image: services.images.lab, arguments: { 'input-dir': '/tmp', 'random-state': 0, scoring: ['f1', 'accuracy'] }, output: { root } };
      const run = await startLocalRun({ host, apptainer, config, configName: 'abide', form, now, reprolabVersion: 'test' });
      assert.strictEqual(run.outputFolder, `${root}/abide_seed-0_20261203-100000`);
      assert.doesNotMatch(run.script, /#SBATCH/, 'the script Slurm would get, without its directives');
      const { log, status } = await followToEnd(host, run);
      assert.deepStrictEqual(status, { state: 'COMPLETED', exitCode: 0 });
      const expected = `lab image running with: --input-dir /tmp --random-state 0 --scoring f1 accuracy --output-dir ${run.outputFolder}\n`;
      assert.strictEqual(log, expected);
      assert.strictEqual((await host.readFile(`${run.outputFolder}/run.log`)).toString(), expected);
      const saved = JSON.parse((await host.readFile(`${run.outputFolder}/run.json`)).toString());
      assert.deepStrictEqual([saved.seed, saved.pid, saved.command[1], saved.host], [0, run.pid, 'run', host.name]);
      // A second run planned for the same folder (same seed, same second) gets a fresh one beside it.
      const again = await startLocalRun({ host, apptainer, config, configName: 'abide', form, now, reprolabVersion: 'test' });
      assert.strictEqual(again.outputFolder, `${run.outputFolder}-2`);
      await followToEnd(host, again);
      assert.strictEqual((await host.readFile(`${run.outputFolder}/run.log`)).toString(), expected, 'the first run\'s outputs are untouched');
      // A folder the user names is used as it is, and refused just the same when it holds results.
      const mine = { ...config, arguments: { ...config.arguments, 'output-dir': `${root}/mine` } };
      const named = await startLocalRun({ host, apptainer, config: mine, configName: 'abide', form, now, reprolabVersion: 'test' });
      assert.strictEqual(named.outputFolder, `${root}/mine`);
      await followToEnd(host, named);
      await assert.rejects(startLocalRun({ host, apptainer, config: mine, configName: 'abide', form, now, reprolabVersion: 'test' }), /already holds results/);
      // A run that goes on until stopped: cancelling ends its whole process group.
      const endless = `${root}/endless-apptainer`;
      await host.writeFile(endless, '#!/bin/sh\necho started\nsleep 300 & wait\n', { mode: 0o755 });
      const long = await startLocalRun({ host, apptainer: { binary: endless, version: 'test' }, config: { ...config, output: { root: `${root}/long` } }, configName: 'abide', form, now, reprolabVersion: 'test' });
      assert.deepStrictEqual(await localRunStatus(host, [long]), [{ state: 'RUNNING' }]);
      await cancelLocalRun(host, long.pid);
      const cancelled = await followToEnd(host, long);
      assert.deepStrictEqual(cancelled, { log: 'started\n', status: { state: 'CANCELLED' } });
      const leftover = await host.exec(['sh', '-c', 'pgrep -g "$1" || true', 'x', String(long.pid)]);
      assert.strictEqual(leftover.stdout, '', 'nothing of the run is left');
      await host.exec(['rm', '-rf', '--', root]);
    });
  }
});
