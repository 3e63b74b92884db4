// Batch scripts submitted to the real single-node Slurm, as the unprivileged user over the real sshd.
import * as assert from 'assert';
import * as fs from 'fs';
import { probeApptainer } from '../../src/core/apptainer/probe';
import { isFinished } from '../../src/core/slurm/jobs';
import { renderBatchScript } from '../../src/core/slurm/batchScript';
import { accountJobs, FinishedJob, submitBatch } from '../../src/core/slurm/submit';
import { SshHost } from '../../src/core/host/ssh';
import { labConfig, makeHome, newHost, ScriptedUser } from './sshFixtures';
import { loadServices } from './services';

const services = loadServices();

describe('Slurm through the login node', function () {
  this.timeout(120000);
  let host: SshHost;
  let home: string;
  let scratch: string;

  before(async () => {
    home = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none']), { knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8') });
    host = newHost(home, new ScriptedUser());
    scratch = (await host.exec(['mktemp', '-d', '/tmp/reprolab-slurm-XXXXXX'])).stdout.trim();
  });
  after(async () => {
    await host.exec(['rm', '-rf', '--', scratch]);
    await host.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** Polls sacct until every job has ended; Slurm's own pace, bounded by the test timeout. */
  async function waitFinished(ids: string[]): Promise<FinishedJob[]> {
    for (;;) {
      const jobs = await accountJobs(host, ids);
      if (jobs.length >= ids.length && jobs.every((j) => isFinished(j.state))) return jobs;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('runs a seed sweep of 3 array tasks, each seed in its own output folder with its own log', async () => {
    const { binary } = await probeApptainer(host);
    const script = renderBatchScript({
      jobName: 'sweep', apptainer: binary, image: services.images.lab, args: ['--input-dir', '/tmp'], outputFolder: `${scratch}/sweep`,
      resources: { partition: services.slurm.partition, time: '5:00', cpus: 1 },
      seedSweep: { seedOption: '--random-state', outputOption: '--output-dir', seeds: '0-2' },
    });
    const { jobId } = await submitBatch(host, script, { cwd: scratch, logFolder: `${scratch}/sweep` });
    const jobs = await waitFinished([`${jobId}_0`, `${jobId}_1`, `${jobId}_2`]);
    assert.deepStrictEqual(jobs.map((j) => [j.jobId, j.state, j.exitCode]).sort(), [0, 1, 2].map((i) => [`${jobId}_${i}`, 'COMPLETED', 0]));
    for (const seed of [0, 1, 2]) {
      const log = (await host.readFile(`${scratch}/sweep/slurm-${jobId}_${seed}.out`)).toString();
      assert.ok((await host.stat(`${scratch}/sweep/seed-${seed}`)).isDirectory);
      assert.strictEqual(log, `lab image running with: --input-dir /tmp --random-state ${seed} --output-dir ${scratch}/sweep/seed-${seed}\n`);
    }
  });

  it('reports a failing job as FAILED with its exit code, and a cancelled one as CANCELLED', async () => {
    const failing = await submitBatch(host, `#!/bin/bash\n#SBATCH --output=${scratch}/fail-%j.out\nexit 3\n`, { cwd: scratch });
    const sleeper = await submitBatch(host, `#!/bin/bash\n#SBATCH --output=${scratch}/sleep-%j.out\nsleep 300\n`, { cwd: scratch });
    await host.exec(['scancel', sleeper.jobId]);
    const jobs = await waitFinished([failing.jobId, sleeper.jobId]);
    const byId = Object.fromEntries(jobs.map((j) => [j.jobId, j]));
    assert.deepStrictEqual([byId[failing.jobId].state, byId[failing.jobId].exitCode], ['FAILED', 3]);
    assert.strictEqual(byId[sleeper.jobId].state, 'CANCELLED');
  });

  it('turns an sbatch refusal into one sentence', async () => {
    await assert.rejects(submitBatch(host, '#!/bin/bash\n#SBATCH --partition=no-such-partition\ntrue\n', { cwd: scratch }), /^Error: sbatch refused the job: .*(invalid partition|Invalid partition)/i);
  });
});
