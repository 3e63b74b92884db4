import * as assert from 'assert';
import { createReadStream, readFileSync } from 'fs';
import { readCvResults } from '../../src/core/results/cvResults';
import { formatTopScores, pythonFixed } from '../../src/core/results/topScores';
import { fixture } from '../paths';

const table = async (file: string, top = 5) => formatTopScores(await readCvResults(createReadStream(file), file, { top }));
const expected = (name: string) => readFileSync(fixture('seed', name), 'utf8');

describe('top scores table', () => {
  it("prints the seed lab's table for one metric, byte for byte", async () => {
    assert.strictEqual(await table(fixture('seed', 'cv_results.csv')), expected('get_top_score-expected.txt'));
  });

  it('prints a column per metric, each ranked by its own rank column', async () => {
    assert.strictEqual(await table(fixture('seed', 'cv_results-multimetric.csv')), expected('get_top_score-expected-multimetric.txt'));
  });

  it('widens columns to long metric names and negative means as pandas does', async () => {
    assert.strictEqual(await table(fixture('cv-results', 'pharma_multimetric_estimator_repr_multiline.csv'), 7), expected('get_top_score-pharma-top7-pandas.txt'));
  });

  it('prints failed fits last as "nan ± nan", with a two-digit index', async () => {
    assert.strictEqual(await table(fixture('cv-results', 'superconductivity_ridge_failed_fits_empty_nan.csv'), 63), expected('get_top_score-ridge-all-pandas.txt'));
  });

  it('prints an empty search as pandas prints an empty DataFrame', () => {
    const empty = formatTopScores({ source: 'x', delimiter: ',', rows: 0, halving: false, metrics: ['accuracy', 'f1'].map((name) => ({ name, better: 'higher', rankedBy: 'rank', failedFits: 0, top: [] })) });
    assert.strictEqual(empty, 'Empty DataFrame\nColumns: [accuracy, f1]\nIndex: []\n');
  });

  it('rounds as Python does: exact ties to even, nan, inf and -0.0 spelled its way', () => {
    // Each right-hand side is what Python 3.11 prints for f"{x:.4f}".
    const cases: [number | null, string][] = [
      [0.03125, '0.0312'], [-0.03125, '-0.0312'], [0.09375, '0.0938'], [123456.78125, '123456.7812'], [1.00005, '1.0001'],
      [7.5e-5, '0.0001'], [0.00015, '0.0001'], [-0, '-0.0000'], [-1e-5, '-0.0000'], [NaN, 'nan'], [null, 'nan'],
      [Infinity, 'inf'], [-Infinity, '-inf'], [1e22, '10000000000000000000000.0000'],
    ];
    assert.deepStrictEqual(cases.map(([x]) => pythonFixed(x, 4)), cases.map(([, text]) => text));
    assert.deepStrictEqual([pythonFixed(2.5, 0), pythonFixed(3.5, 0), pythonFixed(0.5, 0)], ['2', '4', '0']);
  });
});
