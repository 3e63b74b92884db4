import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { fixture, repoRoot } from '../paths';

// The bundled CLI, run as a user runs it: node dist/cli.js scores ...
function scores(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'scores', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI: reprolab scores', () => {
  it("prints get_top_score.py's table for the seed lab's cv_results.csv, byte for byte", () => {
    const r = scores(fixture('seed', 'cv_results.csv'));
    assert.strictEqual(r.err, '');
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.out, readFileSync(fixture('seed', 'get_top_score-expected.txt'), 'utf8'));
  });

  it('prints the multi-metric table byte for byte', () => {
    const r = scores(fixture('seed', 'cv_results-multimetric.csv'));
    assert.strictEqual(r.code, 0, r.err);
    assert.strictEqual(r.out, readFileSync(fixture('seed', 'get_top_score-expected-multimetric.txt'), 'utf8'));
  });

  it('takes a run folder, reads its cv_results.csv and args.yaml, and prints the documented JSON', () => {
    assert.strictEqual(scores(fixture('seed')).out, readFileSync(fixture('seed', 'get_top_score-expected.txt'), 'utf8'));
    const r = scores(fixture('seed'), '--json', '--top', '2');
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepStrictEqual(Object.keys(json), ['folder', 'file', 'delimiter', 'rows', 'halving', 'metrics', 'args', 'run', 'warnings']);
    assert.deepStrictEqual(Object.keys(json.metrics[0]), ['name', 'better', 'rankedBy', 'failedFits', 'top']);
    assert.deepStrictEqual(Object.keys(json.metrics[0].top[0]), ['row', 'rank', 'mean', 'std', 'splits', 'params', 'paramsText', 'meanFitTime', 'stdFitTime', 'meanScoreTime', 'stdScoreTime', 'iter', 'nResources']);
    assert.deepStrictEqual([json.file, json.rows, json.metrics[0].top.length, json.args.split, json.run], [path.join(fixture('seed'), 'cv_results.csv'), 10, 2, 'skf', null]);
  });

  it('--top N sets the rows of the table', () => {
    const r = scores(fixture('seed', 'cv_results.csv'), '--top=3');
    assert.deepStrictEqual(r.out.split('\n').slice(2, -1).map((line) => line.split(' ')[0]), ['1', '2', '3']);
  });

  it('fails with one line on a file that is not a search result, and exits 2 on bad usage', () => {
    const decoy = fixture('cv-results', 'decoy_p2p_loan_cross_validate_plusminus_strings.csv');
    const r = scores(decoy);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.err, `reprolab: ${decoy} has no mean_test_* columns: it is not a scikit-learn search result (cv_results_), so pick the cv_results.csv a search wrote.\n`);
    assert.strictEqual(scores('/nonexistent/run').err, 'reprolab: /nonexistent/run does not exist.\n');
    for (const args of [[], ['a', 'b'], ['x', '--top', '0'], ['x', '--top'], ['x', '--top', 'five'], ['x', '--csv']]) {
      const bad = scores(...args);
      assert.strictEqual(bad.code, 2, args.join(' '));
      assert.match(bad.err, /^usage: reprolab scores \(DIR \| FILE\) \[--top N\] \[--json\]$/m);
    }
  });
});
