import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalHost } from '../../src/core/host/local';
import { cellDifference, compareRuns, comparisonMarkdown, fingerprintCvResults, RunToCompare } from '../../src/core/results/compare';
import { hostFileChunks, readRunResults } from '../../src/core/results/runResults';
import { fixture } from '../paths';

describe('Comparing runs', () => {
  const host = new LocalHost();
  let scratch = '';
  before(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-compare-'));
  });
  after(() => fs.rm(scratch, { recursive: true, force: true }));

  /** A run folder made from the seed lab's outputs, with its seed and its cv_results edited as asked. */
  async function runFolder(name: string, seed: number, edit: (csv: string) => string = (c) => c): Promise<RunToCompare> {
    const folder = path.join(scratch, name);
    await fs.mkdir(folder);
    const args = (await fs.readFile(fixture('seed', 'args.yaml'), 'utf8')).replace('random_state: 0', `random_state: ${seed}`).replace('/users/abc1de/outputs/abide-demo', folder);
    await fs.writeFile(path.join(folder, 'args.yaml'), args);
    await fs.writeFile(path.join(folder, 'cv_results.csv'), edit(await fs.readFile(fixture('seed', 'cv_results.csv'), 'utf8')));
    const results = await readRunResults(host, folder);
    return { label: name, results, fingerprint: await fingerprintCvResults(hostFileChunks(host, results.file), results.file) };
  }
  const difference = (a: RunToCompare, b: RunToCompare, row: number) => cellDifference(hostFileChunks(host, a.results.file), hostFileChunks(host, b.results.file), row, a.results.file);

  it('reports two seed-0 runs as reproduced even when their fit times differ, and seed 1 as a different run', async () => {
    // Timings change from run to run; scores must not.
    const first = await runFolder('seed0-a', 0);
    const again = await runFolder('seed0-b', 0, (csv) => csv.replace(/^([^,\n]+),/gm, (line, t, offset) => (offset === 0 ? line : `${Number(t) * 1.5},`)));
    const other = await runFolder('seed1', 1, (csv) => csv.replace('0.7024', '0.7031'));
    const c = await compareRuns([first, again, other], undefined, difference);
    assert.strictEqual(c.metric, 'accuracy');
    assert.deepStrictEqual(c.reproducibility, [{ runs: ['seed0-a', 'seed0-b'], reproduced: true }]);
    assert.deepStrictEqual(c.argumentDifferences, [{ name: 'random_state', values: [0, 0, 1] }], 'the output folders differ too, by design, and are not listed');
    assert.deepStrictEqual(c.runs.map((r) => r.seed), [0, 0, 1]);
    assert.strictEqual(c.runs[0].best!.splits.length, 50);
    const best = c.runs.map((r) => r.best!.mean!);
    const mean = (best[0] + best[1] + best[2]) / 3;
    assert.ok(Math.abs(c.acrossRuns.mean! - mean) < 1e-12);
    assert.strictEqual(c.acrossRuns.n, 3);
    const md = comparisonMarkdown(c);
    assert.match(md, /^## Comparison of 3 runs on accuracy\n/);
    assert.match(md, /- seed0-a, seed0-b: \*\*reproduced\*\*/);
    assert.match(md, /\| random_state \| 0 \| 0 \| 1 \|/);
  });

  it('shows the first cell that differs when runs with the same inputs did not reproduce', async () => {
    const first = await runFolder('same-a', 0);
    const changed = await runFolder('same-b', 0, (csv) => {
      const lines = csv.split('\n');
      const cells = lines[3].split(',');
      const at = lines[0].split(',').indexOf('split7_test_accuracy');
      cells[at] = String(Number(cells[at]) + 0.0001);
      lines[3] = cells.join(',');
      return lines.join('\n');
    });
    const c = await compareRuns([first, changed], undefined, difference);
    assert.strictEqual(c.reproducibility.length, 1);
    assert.strictEqual(c.reproducibility[0].reproduced, false);
    assert.match(c.reproducibility[0].difference!, /^Row 3, split7_test_accuracy: same-a has [\d.]+, same-b has [\d.]+\.$/);
    assert.match(comparisonMarkdown(c), /\*\*not reproduced\*\*: Row 3, split7_test_accuracy/);
  });

  it('refuses fewer than two runs, and runs that do not share the metric', async () => {
    const one = await runFolder('alone', 0);
    await assert.rejects(compareRuns([one], undefined, difference), /at least two runs/);
    const multi = path.join(scratch, 'multi');
    await fs.mkdir(multi);
    await fs.copyFile(fixture('seed', 'cv_results-multimetric.csv'), path.join(multi, 'cv_results.csv'));
    const results = await readRunResults(host, multi);
    const other = { label: 'multi', results, fingerprint: await fingerprintCvResults(hostFileChunks(host, results.file), results.file) };
    const metric = results.scores.metrics.find((m) => m.name !== 'accuracy')!.name;
    await assert.rejects(compareRuns([one, other], metric, difference), new RegExp(`alone has no ${metric} scores`));
  });
});
