import * as assert from 'assert';
import { createReadStream, promises as fs, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HostError } from '../../src/core/host/host';
import { LocalHost } from '../../src/core/host/local';
import { CvResults, CvResultsError, readCvResults } from '../../src/core/results/cvResults';
import { hostFileChunks, readRunResults } from '../../src/core/results/runResults';
import { fixture } from '../paths';
import { generateCvResults } from './generatedCvResults';

const corpus = (name: string) => fixture('cv-results', name);
const read = (file: string, top = 5) => readCvResults(createReadStream(file), path.basename(file), { top });
/** The same bytes in pieces of `size`, so headers, CRLFs and quoted fields fall across chunks. */
async function* pieces(file: string, size: number): AsyncGenerator<Buffer> {
  const bytes = readFileSync(file);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
async function* once(csv: string): AsyncGenerator<Buffer> {
  yield Buffer.from(csv);
}
const text = (csv: string) => readCvResults(once(csv), 'made.csv');
const metric = (results: CvResults, name = 'score') => results.metrics.find((m) => m.name === name)!;

describe('cv_results.csv', () => {
  it('reads the seed lab file: one metric, 50 splits, param_C and params', async () => {
    const r = await read(fixture('seed', 'cv_results.csv'));
    assert.deepStrictEqual([r.rows, r.delimiter, r.halving, r.metrics.map((m) => m.name)], [10, ',', false, ['accuracy']]);
    const [best] = metric(r, 'accuracy').top;
    assert.deepStrictEqual([best.rank, best.mean?.toFixed(4), best.std?.toFixed(4), best.splits.length], [1, '0.7024', '0.0484', 50]);
    assert.deepStrictEqual(Object.keys(best.params), ['C']);
    assert.strictEqual(best.paramsText, `{'C': ${best.params.C}}`);
    assert.ok(best.meanFitTime! > 0 && best.meanScoreTime! > 0);
    assert.deepStrictEqual(metric(r, 'accuracy').top.map((c) => c.rank), [1, 2, 3, 4, 5]);
  });

  it('rochaerik: rows saved sorted by rank, 20 rows tied at rank 1, 20 splits, std in scientific notation', async () => {
    const r = await read(corpus('rochaerik_knn_sorted_by_rank_ties_20folds.csv'), 25);
    const score = metric(r);
    assert.strictEqual(r.rows, 320);
    assert.deepStrictEqual(score.top.map((c) => c.rank), [...Array(20).fill(1), 21, 21, 21, 21, 21]);
    assert.deepStrictEqual(score.top.slice(0, 5).map((c) => c.row), [1, 2, 3, 4, 5], 'ties keep the file order');
    assert.strictEqual(score.top[0].splits.length, 20);
    assert.strictEqual(score.top[0].mean, 0.7326086956521739);
    const sci = (await read(corpus('rochaerik_knn_sorted_by_rank_ties_20folds.csv'), 320)).metrics[0].top.find((c) => c.stdFitTime! < 1e-5);
    assert.ok(sci, 'a std_fit_time written like 5.15e-06 is read as a number');
  });

  it('artic-tts: a semicolon-delimited file whose params dict is not quoted', async () => {
    const r = await read(corpus('artic-tts_semicolon_delimited.csv'));
    assert.deepStrictEqual([r.delimiter, r.rows], [';', 9]);
    const [best] = metric(r).top;
    assert.deepStrictEqual([best.row, best.rank, best.mean], [8, 1, 0.9748361456993345]);
    assert.deepStrictEqual(best.params, { max_depth: '5', n_estimators: '100' });
    assert.strictEqual(best.paramsText, "{'max_depth': 5, 'n_estimators': 100}");
  });

  it('aronszanto: CRLF, alphabetical columns, a 15-entry dict as class_weight, rank ties', async () => {
    const r = await read(corpus('aronszanto_malware_alphabetical_cols_dict_param.csv'), 100);
    const score = metric(r);
    assert.strictEqual(r.rows, 100);
    assert.ok(score.top.every((c) => !JSON.stringify(c).includes('\\r')), 'no carriage return is left in a value');
    assert.deepStrictEqual([score.top[0].mean, score.top[0].std, score.top[0].meanFitTime, score.top[0].splits], [0.902786779, 0.003427479, 6.936139743, [0.904255319, 0.898058252, 0.906066536]]);
    assert.ok(score.top.some((c) => c.params.class_weight === 'balanced'));
    const dict = score.top.find((c) => c.params.class_weight.startsWith('{'))!;
    assert.strictEqual(dict.params.class_weight, '{0: 3.69, 1: 1.62, 2: 1.2, 3: 1.03, 4: 1.33, 5: 1.26, 6: 1.72, 7: 1.33, 8: 52.14, 9: 0.68, 10: 17.56, 11: 1.04, 12: 12.18, 13: 1.91, 14: 1.3}');
    const ranks = score.top.map((c) => c.rank!);
    assert.ok(ranks.some((rank, i) => rank === ranks[i + 1]), 'tied ranks are kept');
    assert.deepStrictEqual(ranks, [...ranks].sort((a, b) => a - b));
  });

  it('pharma: five scorers, negated errors still better higher, multi-line estimator reprs inside quotes', async () => {
    const r = await read(corpus('pharma_multimetric_estimator_repr_multiline.csv'), 60);
    assert.strictEqual(r.rows, 60, 'newlines inside quoted fields do not start rows');
    assert.deepStrictEqual(r.metrics.map((m) => [m.name, m.better]), [
      ['explained_variance', 'higher'], ['neg_mean_absolute_error', 'higher'], ['neg_mean_squared_error', 'higher'], ['neg_median_absolute_error', 'higher'], ['r2', 'higher'],
    ]);
    const mae = metric(r, 'neg_mean_absolute_error');
    assert.strictEqual(mae.top[0].mean, -0.14969468101997283);
    assert.ok(mae.top.every((c) => c.mean! < 0) && mae.top[0].mean! > mae.top[59].mean!);
    const lasso = mae.top.find((c) => c.params.classify.startsWith('Lasso('))!;
    assert.match(lasso.params.classify, /max_iter=1000,\n {3}normalize=False/);
    const linear = mae.top.find((c) => c.params.classify.startsWith('LinearRegression('))!;
    assert.strictEqual(linear.params.classify__alpha, undefined, 'an empty cell (a parameter that does not apply) is left out');
    assert.strictEqual(lasso.splits.length, 10);
  });

  it('flowcytometertool: a halving search with iter and n_resources, no params column, two outer folds', async () => {
    const r = await read(corpus('flowcytometertool_halving_search_estimator_swap.csv'));
    const score = metric(r);
    assert.deepStrictEqual([r.rows, r.halving, score.failedFits], [816, true, 0]);
    const [first, second] = score.top;
    assert.deepStrictEqual([first.row, first.rank, first.iter, first.nResources, first.paramsText], [407, 1, 7, 6400, null]);
    assert.deepStrictEqual([second.row, second.rank, second.iter, second.nResources], [814, 1, 6, 3200], 'each outer fold has its own rank 1');
    assert.deepStrictEqual(first.params, {
      classifier: 'RandomForestClassifier', classifier__max_features: '0.9364383902148272', classifier__max_samples: '0.6010866037125367', classifier__n_estimators: '614.0',
    });
  });

  it('superconductivity ridge: failed fits with empty scores are counted and rank last', async () => {
    const r = await read(corpus('superconductivity_ridge_failed_fits_empty_nan.csv'), 63);
    const score = metric(r);
    assert.deepStrictEqual([r.rows, score.failedFits, score.better], [63, 9, 'higher']);
    const failed = score.top.slice(54);
    assert.ok(score.top.slice(0, 54).every((c) => c.mean !== null && c.mean < 0));
    assert.deepStrictEqual(failed.map((c) => [c.mean, c.std, c.params.solver]), Array(9).fill([null, null, 'sgd']));
    assert.deepStrictEqual(failed.map((c) => c.rank), [55, 56, 57, 58, 59, 60, 61, 62, 63]);
    assert.deepStrictEqual(failed[0].splits, [null, null, null, null, null]);
    assert.strictEqual(score.top[0].mean, -319.12993959081035);
  });

  it('superconductivity lasso: spreadsheet exponents, and a hand-added mean_test_RMSE that is not a metric', async () => {
    const r = await read(corpus('superconductivity_lasso_excel_resaved_extra_rmse.csv'), 3);
    assert.deepStrictEqual(r.metrics.map((m) => m.name), ['score']);
    const top = metric(r).top;
    assert.deepStrictEqual(top.map((c) => [c.row, c.rank, c.params.alpha]), [[3, 1, '0.2'], [4, 2, '0.3'], [2, 3, '0.5']]);
    assert.strictEqual(top[2].stdScoreTime, 3.11e-5);
  });

  it('madelon: tuple parameters and a tie at rank 1', async () => {
    const top = metric(await read(corpus('madelon_nn_pipeline_tuple_params.csv'))).top;
    assert.deepStrictEqual(top.slice(0, 3).map((c) => [c.row, c.rank, c.params.NN__hidden_layer_sizes]), [[8, 1, '(25,)'], [14, 1, '(25, 25)'], [3, 3, '(25,)']]);
    assert.strictEqual(top[1].paramsText, "{'NN__alpha': 0.001, 'NN__hidden_layer_sizes': (25, 25)}");
  });

  it('formula1: a hand-made multi-metric summary, every rank 1, None and tuple values, no splits or times', async () => {
    const r = await read(corpus('formula1_multimetric_summary_none_params_dup_index.csv'));
    assert.deepStrictEqual(r.metrics.map((m) => m.name), ['precision', 'recall', 'f1'], 'benchmark_test_* columns are not metrics');
    const f1 = metric(r, 'f1');
    assert.deepStrictEqual(f1.top.map((c) => [c.row, c.rank]), [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
    assert.deepStrictEqual([f1.top[0].std, f1.top[0].splits, f1.top[0].meanFitTime, f1.top[0].params], [null, [], null, {}]);
    assert.strictEqual(f1.top[3].paramsText, "{'NN__activation': 'tanh', 'NN__hidden_layer_sizes': (5, 4, 3), 'samp': None}");
    assert.strictEqual(f1.top[3].mean, 0.5519270659743232);
  });

  it('greykite: MAPE, where lower is better, with splits packed into one tuple cell', async () => {
    const r = await read(corpus('greykite_summary_mape_lower_is_better.csv'));
    const mape = metric(r, 'MAPE');
    assert.deepStrictEqual([mape.better, mape.rankedBy, r.rows], ['lower', 'rank', 1]);
    assert.deepStrictEqual([mape.top[0].mean, mape.top[0].std, mape.top[0].splits, mape.top[0].paramsText], [7.31, null, [5.01, 8.53, 8.39], '[]']);
  });

  it('p2p_loan: a cross_validate summary named cv_results.csv is declined in one sentence', async () => {
    await assert.rejects(read(corpus('decoy_p2p_loan_cross_validate_plusminus_strings.csv')), (err: Error) => {
      assert.ok(err instanceof CvResultsError);
      assert.strictEqual(err.message, 'decoy_p2p_loan_cross_validate_plusminus_strings.csv has no mean_test_* columns: it is not a scikit-learn search result (cv_results_), so pick the cv_results.csv a search wrote.');
      return true;
    });
  });

  it('reads every file the same whatever the chunk boundaries', async () => {
    for (const name of (await fs.readdir(fixture('cv-results'))).filter((n) => n.endsWith('.csv') && !n.startsWith('decoy'))) {
      const whole = await read(corpus(name), 1000);
      const chunked = await readCvResults(pieces(corpus(name), 7), name, { top: 1000 });
      assert.deepStrictEqual(chunked, whole, name);
    }
  });

  it('ranks by the means when there are no rank columns: failed fits last, ties share the lowest rank', async () => {
    const score = metric(await text('mean_test_score,param_k\n0.5,a\n0.7,b\n,c\n0.7,d\n0.6,e\n'));
    assert.deepStrictEqual([score.rankedBy, score.failedFits], ['mean', 1]);
    assert.deepStrictEqual(score.top.map((c) => [c.params.k, c.rank]), [['b', 1], ['d', 1], ['e', 3], ['a', 4], ['c', 5]]);
    const rmse = metric(await text('mean_test_rmse\n2.5\n1.5\n3.5\n'), 'rmse');
    assert.deepStrictEqual([rmse.better, rmse.top.map((c) => c.mean)], ['lower', [1.5, 2.5, 3.5]]);
  });

  it('tells the direction from the ranks before the name: a custom "rmse" scorer negated by scikit-learn is better higher', async () => {
    const rmse = metric(await text('mean_test_rmse,rank_test_rmse\n-2.5,2\n-1.5,1\n-3.5,3\n'), 'rmse');
    assert.deepStrictEqual([rmse.better, rmse.top.map((c) => c.mean)], ['higher', [-1.5, -2.5, -3.5]]);
  });

  it('names the line of a malformed file, in one sentence', async () => {
    await assert.rejects(text('mean_test_score,rank_test_score\n0.5,1\n0.4,2\n0.3\n'), {
      name: 'CvResultsError',
      message: 'made.csv is not valid CSV at line 4: a row has 1 fields where the header has 2, so it was cut short or edited by hand; write it again with pandas to_csv.',
    });
    await assert.rejects(text('mean_test_score,params\n0.5,"{\'a\': 1}\n0.4,x\n'), /^CvResultsError: made\.csv is not valid CSV at line 3: a quoted field is never closed/);
    await assert.rejects(text(''), { message: 'made.csv is empty: it holds no header, so it is not the cv_results.csv of a search.' });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(readCvResults(pieces(fixture('seed', 'cv_results.csv'), 100), 'seed', { signal: controller.signal }), (err: Error) => err instanceof HostError && err.kind === 'cancelled');
  });

  it('ranks a generated 100,000-row, 60-column stream holding no more than the top 5', async function () {
    this.timeout(120000);
    const generated = generateCvResults(100000, { digits: 4 });
    assert.strictEqual(generated.header.length, 60);
    let most = 0;
    let reports = 0;
    const r = await readCvResults(generated.chunks(), 'generated.csv', {
      onProgress: ({ held }) => {
        reports++;
        most = Math.max(most, held);
      },
    });
    const accuracy = metric(r, 'accuracy');
    assert.deepStrictEqual([r.rows, accuracy.failedFits, reports], [100000, 100, 100]);
    assert.strictEqual(most, 5);
    // The expected top 5 from the generator's own numbers: best score first, ties in file order.
    const expected = Array.from(generated.quality, (q, i) => ({ q, row: i + 1 }))
      .sort((a, b) => b.q - a.q || a.row - b.row)
      .slice(0, 5);
    assert.deepStrictEqual(accuracy.top.map((c) => [c.row, c.mean]), expected.map((e) => [e.row, e.q / 20000]));
    const rankOf = (q: number) => 1 + generated.quality.filter((other) => other > q).length;
    assert.deepStrictEqual(accuracy.top.map((c) => c.rank), expected.map((e) => rankOf(e.q)));
    assert.strictEqual(accuracy.top[0].splits.length, 50);
  });
});

describe('run results', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-results-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  /** A LocalHost that counts how the results were read, as an SSH host would be asked. */
  class CountingHost extends LocalHost {
    ranges: number[] = [];
    wholeFiles: string[] = [];
    override async readRange(file: string, offset: number, length: number): Promise<Buffer> {
      this.ranges.push(offset);
      return super.readRange(file, offset, length);
    }
    override async readFile(file: string): Promise<Buffer> {
      this.wholeFiles.push(path.basename(file));
      return super.readFile(file);
    }
  }

  it('reads a run folder: cv_results.csv by byte ranges, args.yaml and run.json whole', async () => {
    await fs.copyFile(fixture('seed', 'cv_results.csv'), path.join(dir, 'cv_results.csv'));
    await fs.copyFile(fixture('seed', 'args.yaml'), path.join(dir, 'args.yaml'));
    await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify({ configName: 'lab', seed: 0, exitCode: 0 }));
    const host = new CountingHost();
    const results = await readRunResults(host, dir);
    assert.deepStrictEqual([results.folder, results.file], [dir, path.join(dir, 'cv_results.csv')]);
    assert.deepStrictEqual(host.wholeFiles, ['args.yaml', 'run.json'], 'the scores are never read whole');
    assert.deepStrictEqual(host.ranges, [0]);
    assert.deepStrictEqual([results.args?.random_state, results.args?.scoring, results.args?.num_folds], [0, ['accuracy'], 10]);
    assert.deepStrictEqual([results.run?.configName, results.run?.exitCode], ['lab', 0]);
    assert.strictEqual(results.scores.metrics[0].top[0].mean?.toFixed(4), '0.7024');
    assert.deepStrictEqual(results.warnings, []);
  });

  it('streams a host file in byte ranges of the size asked', async () => {
    const file = fixture('seed', 'cv_results.csv');
    const host = new CountingHost();
    const chunks: Buffer[] = [];
    for await (const chunk of hostFileChunks(host, file, 4096)) chunks.push(chunk);
    assert.deepStrictEqual(chunks.map((c) => c.length), [4096, 4096, 12050 - 8192]);
    assert.deepStrictEqual(host.ranges, [0, 4096, 8192]);
    assert.ok(Buffer.concat(chunks).equals(readFileSync(file)));
  });

  it('takes a cv_results.csv itself, and warns about an unreadable args.yaml without losing the scores', async () => {
    await fs.copyFile(fixture('seed', 'cv_results-multimetric.csv'), path.join(dir, 'scores.csv'));
    await fs.writeFile(path.join(dir, 'args.yaml'), 'scoring: [accuracy\n');
    const results = await readRunResults(new LocalHost(), path.join(dir, 'scores.csv'), { top: 2 });
    assert.deepStrictEqual(results.scores.metrics.map((m) => [m.name, m.top.length]), [['accuracy', 2], ['roc_auc', 2], ['f1', 2]]);
    assert.deepStrictEqual([results.folder, results.args, results.run], [dir, undefined, undefined]);
    assert.strictEqual(results.warnings.length, 1);
    assert.match(results.warnings[0], /args\.yaml cannot be parsed \(.+\), so it was left out\.$/);
  });

  it('says when a run folder has no cv_results.csv yet', async () => {
    await assert.rejects(readRunResults(new LocalHost(), dir), { message: `${dir} has no cv_results.csv: the run may not have finished, or it wrote its results elsewhere.` });
  });
});
