// Runs submitted, watched and followed on the real single-node Slurm (with slurmdbd), as the
// unprivileged user over the real sshd, through the stand-in apptainer and a real SIF.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { probeApptainer } from '../../src/core/apptainer/probe';
import { parseHelp } from '../../src/core/argparse/help';
import { SshHost } from '../../src/core/host/ssh';
import { submitRun } from '../../src/core/runs/slurmRun';
import { JobState } from '../../src/core/slurm/jobs';
import { followLog } from '../../src/core/slurm/logFollower';
import { JobPoller, SlurmJob } from '../../src/core/slurm/poller';
import { cancelJob, submitBatch } from '../../src/core/slurm/submit';
import { FaultProxy } from './faultProxy';
import { labConfig, makeHome, newHost, ScriptedUser } from './sshFixtures';
import { loadServices } from './services';

const services = loadServices();
const form = parseHelp(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'abide-demo-help-cols200.txt'), 'utf8'));

describe('Jobs on the real Slurm', function () {
  this.timeout(180000);
  let home: string;
  let host: SshHost;
  let scratch: string;
  let poller: JobPoller;

  before(async () => {
    home = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none']), { knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8') });
    host = newHost(home, new ScriptedUser());
    scratch = (await host.exec(['mktemp', '-d', '/tmp/reprolab-jobs-XXXXXX'])).stdout.trim();
    poller = new JobPoller(host);
  });
  after(async () => {
    await host.exec(['rm', '-rf', '--', scratch]);
    await host.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** Refreshes until `done` holds for the snapshot, recording every state each job was seen in. */
  async function watchUntil(done: (jobs: Map<string, SlurmJob>) => boolean, seen = new Map<string, JobState[]>()): Promise<Map<string, SlurmJob>> {
    const latest = new Map<string, SlurmJob>();
    for (;;) {
      const snapshot = await poller.refresh();
      for (const job of [...snapshot.queued, ...snapshot.finished]) {
        latest.set(job.id, job);
        const states = seen.get(job.id) ?? [];
        if (states[states.length - 1] !== job.state) states.push(job.state);
        seen.set(job.id, states);
      }
      if (done(latest)) return latest;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const ended = (id: string) => (jobs: Map<string, SlurmJob>) => ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'].includes(jobs.get(id)?.state ?? '');

  it('submits a run of a real image, sees it PENDING behind a job that holds the node, then RUNNING and COMPLETED', async () => {
    // A job that takes both CPUs, so the run has to wait for it.
    const blocker = await submitBatch(host, `#!/bin/bash\n#SBATCH --cpus-per-task=2\n#SBATCH --output=${scratch}/blocker-%j.out\nsleep 300\n`, { cwd: scratch });
    poller.watch(blocker.jobId);
    try {
      await runBehind(blocker.jobId);
    } finally {
      // Whatever happened, the node is freed for the tests after this one.
      await host.exec(['scancel', blocker.jobId]);
    }
  });

  async function runBehind(blocker: string) {
    const apptainer = await probeApptainer(host);
    const config = { image: services.images.lab, arguments: { 'input-dir': '/tmp', 'random-state': 7 }, target: { type: 'slurm' as const, slurm: { partition: services.slurm.partition, time: '5:00', cpus: 1 } }, output: { root: scratch } };
    const run = await submitRun({ host, apptainer, config, configName: 'abide', form, now: new Date('2026-12-03T10:00:00Z'), reprolabVersion: 'test' });
    poller.watch(run.jobId);
    assert.strictEqual(run.outputFolder, `${scratch}/abide_seed-7_20261203-100000`);
    assert.strictEqual((await host.readFile(`${run.outputFolder}/job.sbatch`)).toString(), run.script, 'the script is kept beside the record');
    const seen = new Map<string, JobState[]>();
    // Slurm says why a job waits once the scheduler has looked at it (Resources, Priority, ...).
    const running = await watchUntil((jobs) => jobs.get(blocker)?.state === 'RUNNING' && jobs.get(run.jobId)?.state === 'PENDING' && !!jobs.get(run.jobId)?.reason, seen);
    assert.match(running.get(run.jobId)?.reason ?? '', /^(Resources|Priority)$/);
    assert.strictEqual(running.get(blocker)?.nodes, 'localhost');
    await cancelJob(host, blocker);
    const jobs = await watchUntil((j) => ended(run.jobId)(j) && ended(blocker)(j), seen);
    assert.deepStrictEqual([jobs.get(run.jobId)?.state, jobs.get(run.jobId)?.exitCode], ['COMPLETED', 0]);
    assert.strictEqual(jobs.get(blocker)?.state, 'CANCELLED', 'the cancelled job');
    const blockerStates = seen.get(blocker) ?? [];
    assert.ok(blockerStates.includes('RUNNING') && blockerStates[blockerStates.length - 1] === 'CANCELLED', blockerStates.join(' → '));
    assert.strictEqual(seen.get(run.jobId)?.[0], 'PENDING');
    const log = (await host.readFile(run.logs[0].path)).toString();
    assert.strictEqual(log, `lab image running with: --input-dir /tmp --random-state 7 --output-dir ${run.outputFolder}\n`);
    const record = JSON.parse((await host.readFile(`${run.outputFolder}/run.json`)).toString());
    assert.deepStrictEqual([record.jobId, record.seed, record.host], [run.jobId, 7, 'lab']);
  }

  it('shares one squeue call between refreshes asked for at the same time', async () => {
    await poller.refresh();
    const before = poller.commands;
    const [a, b, c] = await Promise.all([poller.refresh(), poller.refresh(), poller.refresh()]);
    assert.ok(a === b && b === c, 'the three callers got the same snapshot');
    assert.strictEqual(poller.commands - before, 1, 'one remote command for all three');
  });

  it('shows a failing job as FAILED with its exit code', async () => {
    const failing = await submitBatch(host, `#!/bin/bash\n#SBATCH --output=${scratch}/fail-%j.out\necho about to fail\nexit 3\n`, { cwd: scratch });
    poller.watch(failing.jobId);
    const jobs = await watchUntil(ended(failing.jobId));
    assert.deepStrictEqual([jobs.get(failing.jobId)?.state, jobs.get(failing.jobId)?.exitCode], ['FAILED', 3]);
  });

  it('sweeps seeds as one job array: 3 tasks, 3 output folders, each with its record', async () => {
    const apptainer = await probeApptainer(host);
    const config = { image: services.images.lab, arguments: { 'input-dir': '/tmp', 'random-state': 0 }, target: { type: 'slurm' as const, slurm: { partition: services.slurm.partition, time: '5:00', cpus: 1 } }, output: { root: scratch } };
    const run = await submitRun({ host, apptainer, config, configName: 'sweep', form, now: new Date('2026-12-03T11:00:00Z'), reprolabVersion: 'test', seeds: '0-2' });
    poller.watch(run.jobId);
    const jobs = await watchUntil((j) => [0, 1, 2].every((s) => ended(`${run.jobId}_${s}`)(j)));
    for (const task of run.logs) {
      assert.strictEqual(jobs.get(task.jobId)?.state, 'COMPLETED');
      assert.strictEqual((await host.readFile(task.path)).toString(), `lab image running with: --input-dir /tmp --random-state ${task.seed} --output-dir ${task.outputFolder}\n`);
      const record = JSON.parse((await host.readFile(`${task.outputFolder}/run.json`)).toString());
      assert.deepStrictEqual([record.seed, record.jobId, record.arguments['random-state']], [task.seed, task.jobId, task.seed]);
    }
  });

  it('follows a log byte for byte while the connection is cut twice mid-job', async () => {
    const proxy = new FaultProxy(services.ssh.port);
    const port = await proxy.start();
    const cutHome = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none'], 'lab', port), {
      knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8').split('\n')[0].replace(/^\[127.0.0.1\]:\d+/, `[127.0.0.1]:${port}`) + '\n',
    });
    const cutHost = newHost(cutHome, new ScriptedUser());
    try {
      const script = `#!/bin/bash\n#SBATCH --output=${scratch}/follow-%j.out\nfor i in $(seq 1 60); do printf 'step %03d %s\\r step %03d done ±\\n' "$i" "$(head -c 200 /dev/zero | tr '\\0' x)" "$i"; sleep 0.05; done\n`;
      const job = await submitBatch(host, script, { cwd: scratch });
      poller.watch(job.jobId);
      let jobEnded = false;
      const watching = watchUntil(ended(job.jobId)).then(() => (jobEnded = true));
      const received: Buffer[] = [];
      let reconnects = 0;
      const result = await followLog(cutHost, `${scratch}/follow-${job.jobId}.out`, {
        onData: (c) => {
          received.push(c);
          if (received.length === 2 || received.length === 6) proxy.cutAll();
        },
        onWait: (why) => (why === 'reconnecting' ? reconnects++ : undefined),
        jobEnded: () => jobEnded,
        minPollMs: 50,
        maxPollMs: 200,
      });
      await watching;
      const file = await host.readFile(`${scratch}/follow-${job.jobId}.out`);
      assert.strictEqual(file.toString().split('\n').length, 61);
      assert.ok(Buffer.concat(received).equals(file), 'the followed log equals the file byte for byte');
      assert.strictEqual(result.bytesRead, file.length, 'nothing was read twice');
      assert.ok(proxy.accepted >= 3, `the follower reconnected after each cut (${proxy.accepted} connections, ${reconnects} waits)`);
    } finally {
      await cutHost.dispose();
      await proxy.stop();
      fs.rmSync(cutHome, { recursive: true, force: true });
    }
  });
});
