import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { parseSbatch, renderBatchScript } from '../../src/core/slurm/batchScript';
import { parseSlurmTime } from '../../src/core/slurm/time';

describe('batch scripts', () => {
  const base = { jobName: 'abide', apptainer: '/usr/bin/apptainer', image: '/img/lab demo.sif', outputFolder: "/scratch/it's here", args: ['--input-dir', '/data', '--random-state', '0'] };

  it('renders #SBATCH lines, strict shell options and the quoted apptainer line', () => {
    const script = renderBatchScript({ ...base, resources: { partition: 'gpu', account: 'lab', time: '2:00:00', cpus: 4, memory: '16G', gpus: 'a100:1' }, flags: { nv: true } });
    assert.strictEqual(script, [
      '#!/bin/bash',
      '#SBATCH --job-name=abide',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=lab',
      '#SBATCH --time=2:00:00',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=16G',
      '#SBATCH --gres=gpu:a100:1',
      "#SBATCH --output=/scratch/it's here/slurm-%j.out",
      '',
      'set -euo pipefail',
      'export PYTHONUNBUFFERED=1',
      "mkdir -p -- '/scratch/it'\\''s here'",
      "/usr/bin/apptainer run --nv '/img/lab demo.sif' --input-dir /data --random-state 0",
      '',
    ].join('\n'));
    assert.ok(!script.includes('\r'));
    assert.strictEqual(spawnSync('bash', ['-n'], { input: script }).status, 0, 'bash accepts the script');
  });

  it('renders a seed sweep as one array whose task id is the seed, one folder per task', () => {
    const script = renderBatchScript({ ...base, args: ['--input-dir', '/data'], resources: { gpus: 2 }, seedSweep: { seedOption: '--random-state', outputOption: '--output-dir', seeds: '0-4' } });
    assert.match(script, /^#SBATCH --gpus=2$/m);
    assert.match(script, /^#SBATCH --array=0-4$/m);
    assert.match(script, /^#SBATCH --output=\/scratch\/it's here\/slurm-%A_%a\.out$/m);
    assert.match(script, /^out='\/scratch\/it'\\''s here'\/seed-"\$SLURM_ARRAY_TASK_ID"$/m);
    assert.match(script, /--input-dir \/data --random-state "\$SLURM_ARRAY_TASK_ID" --output-dir "\$out"$/m);
  });

  it('renders a native run: the host command in its folder with the same arguments, no image', () => {
    const script = renderBatchScript({ ...base, resources: {}, scheduler: 'none', native: { command: ['/usr/bin/python3', 'my lab/main.py'], cwd: '/home/u/lab' } });
    assert.ok(script.endsWith("cd -- /home/u/lab\n/usr/bin/python3 'my lab/main.py' --input-dir /data --random-state 0\n"), script);
    assert.ok(!script.includes('apptainer'));
    const sweep = renderBatchScript({ ...base, args: [], resources: {}, native: { command: ['python3', 'main.py'] }, seedSweep: { seedOption: '--random-state', outputOption: '--output-dir', seeds: '0-2' } });
    assert.match(sweep, /\npython3 main\.py --random-state "\$SLURM_ARRAY_TASK_ID" --output-dir "\$out"\n$/);
    assert.strictEqual(spawnSync('bash', ['-n'], { input: sweep }).status, 0);
  });

  it('refuses what sbatch would reject', () => {
    assert.throws(() => renderBatchScript({ ...base, resources: { time: '2 hours' } }), /is not a Slurm time/);
    assert.throws(() => renderBatchScript({ ...base, resources: { array: '0-4; rm -rf' } }), /is not a Slurm array/);
    assert.throws(() => renderBatchScript({ ...base, jobName: 'a\nb', resources: {} }), /line break/);
  });

  it('reads sbatch --parsable, its warnings and its errors', () => {
    assert.deepStrictEqual(parseSbatch({ code: 0, stdout: '65541\n', stderr: '' }), { jobId: '65541' });
    assert.deepStrictEqual(parseSbatch({ code: 0, stdout: '65541;cluster2\n', stderr: 'sbatch: warning: can not set memory limit\n' }), { jobId: '65541', cluster: 'cluster2', warning: 'warning: can not set memory limit' });
    assert.throws(() => parseSbatch({ code: 1, stdout: '', stderr: 'sbatch: error: invalid partition specified: gpu\n' }), /^Error: sbatch refused the job: invalid partition specified: gpu$/);
  });

  it('reads Slurm times', () => {
    assert.deepStrictEqual(['30', '30:15', '2:00:00', '1-12', '1-12:30', '10-00:00:00', 'UNLIMITED', 'INVALID'].map(parseSlurmTime), [1800, 1815, 7200, 129600, 131400, 864000, undefined, undefined]);
  });
});
