// The harness itself: each real service the integration tests rely on answers as a cluster would.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { loadServices } from './services';

describe('test services', () => {
  const services = loadServices();
  const ssh = (command: string) =>
    execFileSync('ssh', ['-i', services.ssh.privateKey, '-o', `UserKnownHostsFile=${services.ssh.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes', '-p', String(services.ssh.port), `${services.ssh.user}@${services.ssh.host}`, command], { encoding: 'utf8' });

  it('sshd lets the unprivileged test user in with its key and a pinned host key', () => {
    assert.strictEqual(ssh('id -un').trim(), 'tester');
  });

  it('Slurm runs a batch job for that user and accounting records it', async () => {
    const jobId = ssh(`sbatch --parsable -p ${services.slurm.partition} -o /tmp/reprolab-harness-%j.out --wrap 'echo hello from $SLURM_JOB_ID'`).trim();
    assert.match(jobId, /^\d+$/);
    let state = '';
    for (let i = 0; i < 150 && state !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = ssh(`sacct -n -X -P -j ${jobId} -o State`).trim();
    }
    assert.strictEqual(state, 'COMPLETED');
    // Right at completion slurmdbd may still report the job's user as root; it settles within seconds.
    let user = '';
    for (let i = 0; i < 50 && user !== 'tester'; i++) {
      user = ssh(`sacct -n -X -P -j ${jobId} -o User`).trim();
      if (user !== 'tester') await new Promise((r) => setTimeout(r, 200));
    }
    assert.strictEqual(user, 'tester');
    assert.strictEqual(ssh(`cat /tmp/reprolab-harness-${jobId}.out`), `hello from ${jobId}\n`);
  });

  it('Jupyter Server answers its REST API with the token and refuses without it', async () => {
    const ok = await fetch(`${services.jupyter.url}/api/status`, { headers: { Authorization: `token ${services.jupyter.token}` } });
    assert.strictEqual(ok.status, 200);
    assert.ok('started' in ((await ok.json()) as object));
    const refused = await fetch(`${services.jupyter.url}/api/contents`);
    assert.strictEqual(refused.status, 403);
  });
});
