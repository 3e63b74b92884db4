// The CLI's Slurm commands as a user runs them on a login node: node dist/cli.js submit/jobs/logs,
// against the real single-node Slurm, with the stand-in apptainer and a real SIF.
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../paths';
import { loadServices } from './services';

const services = loadServices();
const cliPath = path.join(repoRoot, 'dist', 'cli.js');
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('reprolab submit, jobs and logs', function () {
  this.timeout(120000);
  let dir: string;
  const submitted: string[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-cli-jobs-'));
  });
  after(() => {
    if (submitted.length) spawnSync('scancel', submitted);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const config = (name: string, target: 'slurm' | 'local', seed = 0) => {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, [`image: ${services.images.lab}`, 'arguments:', '  input-dir: /tmp', `  random-state: ${seed}`, 'target:', `  type: ${target}`, ...(target === 'slurm' ? ['  slurm:', `    partition: ${services.slurm.partition}`, '    time: "5:00"'] : []), 'output:', `  root: ${dir}/runs`, ''].join('\n'));
    return file;
  };

  it('submits a configuration, then follows its log to the end', async () => {
    const r = cli('submit', config('lab', 'slurm', 4));
    assert.strictEqual(r.code, 0, r.err);
    const [, jobId] = /^Submitted job (\d+)$/m.exec(r.out) ?? [];
    assert.ok(jobId, r.out);
    submitted.push(jobId);
    const folder = /^outputs: (.+)$/m.exec(r.out)![1];
    assert.match(folder, new RegExp(`^${dir}/runs/lab_seed-4_\\d{8}-\\d{6}$`));
    assert.match(r.out, new RegExp(`^log: ${folder}/slurm-${jobId}\\.out$`, 'm'));
    // --follow waits for the job to start, prints its log as it grows, and ends when the job does.
    const follow = spawn(process.execPath, [cliPath, 'logs', jobId, '--follow']);
    let out = '';
    let err = '';
    follow.stdout.on('data', (c) => (out += c));
    follow.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => follow.on('close', resolve));
    assert.strictEqual(code, 0, err);
    assert.strictEqual(out, `lab image running with: --input-dir /tmp --random-state 4 --output-dir ${folder}\n`);
    assert.match(err, new RegExp(`job ${jobId} COMPLETED`));
    assert.ok(fs.existsSync(path.join(folder, 'cv_results.csv')));
    assert.strictEqual(cli('scores', folder).out, fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'seed', 'get_top_score-expected.txt'), 'utf8'));
  });

  it('submits a seed sweep as one array and lists queued jobs as JSON', () => {
    const held = spawnSync('sbatch', ['--parsable', '--hold', '--output=/dev/null', '--wrap', 'true'], { encoding: 'utf8' });
    const heldId = held.stdout.trim();
    submitted.push(heldId);
    const r = cli('submit', config('sweep', 'slurm'), '--seeds', '0-1');
    assert.strictEqual(r.code, 0, r.err);
    const jobId = /^Submitted job (\d+)$/m.exec(r.out)![1];
    submitted.push(jobId);
    assert.strictEqual(r.out.match(/^log \(seed \d\): .*slurm-\d+_\d\.out$/gm)?.length, 2);
    const jobs = cli('jobs', '--json');
    assert.strictEqual(jobs.code, 0, jobs.err);
    const listed = JSON.parse(jobs.out) as { id: string; state: string; reason?: string }[];
    const mine = listed.find((j) => j.id === heldId);
    assert.deepStrictEqual([mine?.state, mine?.reason], ['PENDING', 'JobHeldUser']);
    const table = cli('jobs');
    assert.match(table.out, /^JOBID +NAME +STATE/);
    assert.match(table.out, new RegExp(`^${heldId} +wrap +PENDING .*\\(JobHeldUser\\)$`, 'm'));
  });

  it('says what to do with a configuration that does not target Slurm, and with a job it cannot find', () => {
    const local = cli('submit', config('here', 'local'));
    assert.strictEqual(local.code, 1);
    assert.match(local.err, /^reprolab: .*here\.yaml targets local: set target\.type to slurm/);
    const unknown = cli('logs', '99999999');
    assert.strictEqual(unknown.code, 1);
    assert.match(unknown.err, /^reprolab: Slurm does not know where job 99999999 writes its log/);
    assert.strictEqual(cli('logs', 'x; rm -rf /').code, 1);
    assert.strictEqual(cli('submit').code, 2);
  });
});
