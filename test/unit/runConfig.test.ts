import * as assert from 'assert';
import { readFileSync } from 'fs';
import { parseHelp } from '../../src/core/argparse/help';
import { LocalHost } from '../../src/core/host/local';
import { labWarnings } from '../../src/core/runs/labWarnings';
import { checkOutputFolder, plannedOutputFolder, runFolderName } from '../../src/core/runs/outputFolder';
import { argumentArgv, parseRunConfig, runFlags, setInDocument } from '../../src/core/runs/runConfig';
import { fixture } from '../paths';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';

const seedForm = parseHelp(readFileSync(fixture('abide-demo-help.txt'), 'utf8'));
const example = `# The ABIDE demo, seed 0
image: /scratch/me/abide-demo.sif   # pulled from ghcr.io
cluster: stanage
arguments:
  input-dir: /data/abide
  output-dir: null
  random-state: 0
  scoring: [accuracy, f1]
  band-pass-filtering: false
  mida: true
binds:
  - /data/abide:/data/abide:ro
apptainer:
  cleanenv: true
target:
  type: slurm
  slurm:
    partition: gpu
    time: "2:00:00"
    cpus: 4
    memory: 16G
environment:
  OMP_NUM_THREADS: 4
output:
  root: /scratch/me/runs
  argument: output-dir
`;

describe('run configurations', () => {
  it('reads a valid configuration', () => {
    const parsed = parseRunConfig(example);
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.strictEqual(parsed.config?.target?.slurm?.memory, '16G');
    assert.deepStrictEqual(runFlags(parsed.config!), { cleanenv: true, binds: [{ source: '/data/abide', destination: '/data/abide', readOnly: true }], env: { OMP_NUM_THREADS: '4' } });
  });

  it('puts every problem on its line: unknown keys, wrong types, bad formats', () => {
    const bad = example
      .replace('cluster: stanage', 'cluster: stanage\nimgae: typo.sif')
      .replace('cpus: 4', 'cpus: four')
      .replace('memory: 16G', 'memory: 16 gigs')
      .replace('type: slurm', 'type: pbs');
    const { config, diagnostics } = parseRunConfig(bad);
    assert.strictEqual(config, undefined);
    const lines = bad.split('\n');
    const byLine = diagnostics.map((d) => [lines[d.line].trim(), d.message]);
    assert.deepStrictEqual(byLine, [
      ['imgae: typo.sif', 'Unknown key "imgae" in the configuration: check its spelling (see the run configuration schema).'],
      ['type: pbs', 'target.type must be one of "local", "slurm".'],
      ['cpus: four', 'target.slurm.cpus must be integer.'],
      ['memory: 16 gigs', 'target.slurm.memory is not in the expected format (a number with K, M, G or T, such as 16G).'],
    ]);
  });

  it('takes a native command for Compare with Native Run, and says what is wrong with a bad one', () => {
    const ok = parseRunConfig(`${example}native:\n  command: [python3, main.py]\n  cwd: lab\n`);
    assert.deepStrictEqual(ok.config?.native, { command: ['python3', 'main.py'], cwd: 'lab' });
    const bad = parseRunConfig(`${example}native:\n  command: python3 main.py\n`);
    assert.strictEqual(bad.config, undefined);
    assert.match(bad.diagnostics[0].message, /^native\.command must be array/);
  });

  it('reports broken YAML with its line', () => {
    const { diagnostics } = parseRunConfig('image: a.sif\narguments:\n  x: [1, 2\n');
    assert.strictEqual(diagnostics[0].severity, 'error');
    assert.match(diagnostics[0].message, /^YAML: /);
  });

  it('round-trips edits without losing comments or unknown-but-valid values', () => {
    const { document } = parseRunConfig(example);
    setInDocument(document, ['arguments', 'random-state'], 1);
    setInDocument(document, ['arguments', 'atlas'], 'cc400');
    setInDocument(document, ['output', 'root'], undefined);
    setInDocument(document, ['apptainer', 'nv'], undefined);
    setInDocument(document, ['nothing', 'here'], undefined);
    const text = document.toString();
    assert.match(text, /^# The ABIDE demo, seed 0$/m);
    assert.match(text, /# pulled from ghcr.io/);
    assert.match(text, /^ {2}random-state: 1$/m);
    assert.match(text, /^ {2}atlas: cc400$/m);
    assert.doesNotMatch(text, /root:/);
    assert.deepStrictEqual(parseRunConfig(text).diagnostics, []);
  });

  it("turns argument values into the image's argv using its form", () => {
    const { config } = parseRunConfig(example);
    assert.deepStrictEqual(argumentArgv(config!.arguments!, seedForm), [
      '--input-dir', '/data/abide', '--random-state', '0', '--scoring', 'accuracy', 'f1', '--no-band-pass-filtering', '--mida',
    ]);
    assert.deepStrictEqual(argumentArgv({ verbose: true, quiet: false, n: 3 }), ['--verbose', '--n', '3']);
  });

  it('names a fresh output folder from the configuration, the seed and the time', () => {
    const now = new Date('2026-12-03T14:25:01.123Z');
    assert.strictEqual(runFolderName('abide demo', 0, now), 'abide_demo_seed-0_20261203-142501');
    assert.strictEqual(runFolderName('x', null, now), 'x_seed-none_20261203-142501');
    const { config } = parseRunConfig(example);
    assert.strictEqual(plannedOutputFolder(config!, 'abide', 7, now, '~/runs'), '/scratch/me/runs/abide_seed-7_20261203-142501');
    assert.throws(() => plannedOutputFolder({ image: 'x', output: { policy: 'reuse' } }, 'a', 0, now, '/r'), /output.folder is not set/);
  });

  it('never reuses a folder that holds results unless asked', async () => {
    const host = new LocalHost();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-out-'));
    try {
      assert.strictEqual(await checkOutputFolder(host, path.join(dir, 'new')), 'new');
      assert.strictEqual(await checkOutputFolder(host, dir), 'empty');
      await fs.writeFile(path.join(dir, 'cv_results.csv'), 'x');
      await assert.rejects(checkOutputFolder(host, dir), /already holds results \(cv_results.csv\); ReproLab will not overwrite them/);
      assert.strictEqual(await checkOutputFolder(host, dir, 'reuse'), 'reused');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('warns about a missing seed, grid search and leave-p-groups-out', () => {
    assert.deepStrictEqual(labWarnings({ 'random-state': null }, seedForm), ['No random seed (random-state): this run will not be reproducible.']);
    assert.deepStrictEqual(labWarnings({ 'random-state': 0 }, seedForm), []);
    assert.match(labWarnings({ 'random-state': 0, 'search-strategy': 'grid' }, seedForm)[0], /Grid search tries every combination/);
    assert.match(labWarnings({ 'random-state': 0, split: 'lpgo', 'num-folds': 5 }, seedForm)[0], /Leave-p-groups-out with 5 test groups/);
  });
});
