// The example lab (examples/sklearn-lab) for real: run with Debian's python3 and scikit-learn, and
// as a SIF that its build-sif.sh assembles, through the Apptainer stand-in and ReproLab's own
// local runs. Needs the apt packages of scripts/install-test-deps.sh, not the services.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { helpArgv } from '../../src/core/apptainer/commands';
import { parseHelp } from '../../src/core/argparse/help';
import { LocalHost } from '../../src/core/host/local';
import { fingerprintCvResults, firstDifferentRow } from '../../src/core/results/compare';
import { hostFileChunks, readRunResults } from '../../src/core/results/runResults';
import { formatTopScores } from '../../src/core/results/topScores';
import { localRunStatus, startLocalRun } from '../../src/core/runs/localRun';
import { parseRunConfig } from '../../src/core/runs/runConfig';
import { hostByteSource } from '../../src/core/sif/byteSource';
import { parseDefinition, parseLabels } from '../../src/core/sif/definition';
import { inspectSif } from '../../src/core/sif/inspect';
import { repoRoot } from '../paths';

const lab = path.join(repoRoot, 'examples', 'sklearn-lab');
const standin = path.join(repoRoot, 'test', 'standin', 'apptainer');
// Debian's interpreter, which has python3-sklearn; not whichever python3 comes first on PATH.
const python = '/usr/bin/python3';
const host = new LocalHost();

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, cwd: os.tmpdir() });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the lab on the host into `out`, with the given options after --input-dir and --output-dir. */
function runLab(out: string, ...options: string[]) {
  const r = run(python, [path.join(lab, 'main.py'), '--input-dir', path.join(lab, 'data'), '--output-dir', out, ...options]);
  assert.strictEqual(r.code, 0, r.err);
  return r;
}

const header = (file: string) => fs.readFileSync(file, 'utf8').split('\n')[0].split(',');
const fingerprint = (file: string) => fingerprintCvResults(hostFileChunks(host, file), file);

describe('Example lab: sklearn-lab', function () {
  this.timeout(120000);
  let work: string;
  before(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-example-'))));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  describe('with Debian python3', () => {
    it("prints argparse help laid out like the seed lab's, which ReproLab reads into a full form", () => {
      const r = run(python, [path.join(lab, 'main.py'), '-h'], { COLUMNS: '200' });
      assert.strictEqual(r.code, 0, r.err);
      const form = parseHelp(r.out);
      assert.strictEqual(form.prog, 'sklearn-lab');
      assert.deepStrictEqual(
        form.groups.map((g) => [g.title, g.options.map((o) => o.dest)]),
        [
          ['options', ['help']],
          ['paths', ['input_dir', 'output_dir']],
          ['preprocessing', ['standardize']],
          ['model', ['classifier']],
          ['training', ['search_strategy', 'num_search_iterations']],
          ['evaluation', ['scoring', 'split', 'num_folds', 'num_cv_repeats']],
          ['runtime', ['num_jobs', 'random_state', 'verbose']],
        ],
      );
      const option = (dest: string) => form.groups.flatMap((g) => g.options).find((o) => o.dest === dest)!;
      assert.deepStrictEqual([option('input_dir').required, option('output_dir').required, option('classifier').required], [true, true, false]);
      assert.deepStrictEqual([option('standardize').kind, option('standardize').negative, option('standardize').default], ['boolean', '--no-standardize', true]);
      assert.deepStrictEqual([option('scoring').nargs, option('scoring').choices, option('scoring').default], ['+', ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'matthews_corrcoef'], ['accuracy']]);
      assert.deepStrictEqual([option('classifier').choices, option('split').choices], [['logistic', 'svm', 'forest'], ['skf', 'shuffle']]);
      assert.deepStrictEqual([option('num_folds').default, option('random_state').default, option('verbose').default], [5, null, 0]);
    });

    it('writes args.yaml as yaml.dump(vars(args)), cv_results.csv with metric-suffixed columns, and model.joblib', () => {
      const out = path.join(work, 'single');
      runLab(out, '--random-state', '0', '--num-folds', '3', '--num-cv-repeats', '2');
      assert.deepStrictEqual(fs.readdirSync(out).sort(), ['args.yaml', 'cv_results.csv', 'model.joblib']);
      const argsText = fs.readFileSync(path.join(out, 'args.yaml'), 'utf8');
      const args = parseYaml(argsText);
      assert.deepStrictEqual(args, {
        classifier: 'logistic', input_dir: path.join(lab, 'data'), num_cv_repeats: 2, num_folds: 3, num_jobs: 1, num_search_iterations: 10,
        output_dir: out, random_state: 0, scoring: ['accuracy'], search_strategy: 'random', split: 'skf', standardize: true, verbose: 0,
      });
      assert.deepStrictEqual(Object.keys(args), Object.keys(args).sort(), 'PyYAML sorts the keys, as in the seed lab');
      const splits = Array.from({ length: 6 }, (_, i) => `split${i}_test_accuracy`);
      assert.deepStrictEqual(header(path.join(out, 'cv_results.csv')), [
        'mean_fit_time', 'std_fit_time', 'mean_score_time', 'std_score_time', 'param_classifier__C', 'params',
        ...splits, 'mean_test_accuracy', 'std_test_accuracy', 'rank_test_accuracy',
      ]);
      const model = run(python, ['-c', 'import joblib, sys; m = joblib.load(sys.argv[1]); print(type(m).__name__, [n for n, _ in m.steps], m.named_steps["classifier"].C)', path.join(out, 'model.joblib')]);
      assert.strictEqual(model.code, 0, model.err);
      assert.match(model.out, /^Pipeline \['scaler', 'classifier'\] \d/);
    });

    it('ranks its single-metric cv_results.csv with the scores reader', async () => {
      const results = await readRunResults(host, path.join(work, 'single'));
      assert.strictEqual(results.scores.rows, 10);
      const [accuracy] = results.scores.metrics;
      assert.deepStrictEqual([results.scores.metrics.length, accuracy.name, accuracy.rankedBy, accuracy.better, accuracy.failedFits], [1, 'accuracy', 'rank', 'higher', 0]);
      assert.strictEqual(accuracy.top[0].rank, 1);
      assert.strictEqual(accuracy.top[0].splits.length, 6);
      assert.deepStrictEqual(Object.keys(accuracy.top[0].params), ['classifier__C']);
      for (let i = 1; i < accuracy.top.length; i++) assert.ok(accuracy.top[i - 1].mean! >= accuracy.top[i].mean!, 'best first');
      assert.ok(accuracy.top[0].mean! > 0.9 && accuracy.top[0].mean! <= 1, `a real fit of this data scores above 0.9, not ${accuracy.top[0].mean}`);
      assert.strictEqual(results.args?.random_state, 0);
      assert.match(formatTopScores(results.scores), /^ {13}accuracy\nRank {17}\n1 {5}0\.9\d{3} ± 0\.0\d{3}\n/);
    });

    it('scores every --scoring metric and refits the model on the first', async () => {
      const out = path.join(work, 'multi');
      runLab(out, '--random-state', '3', '--classifier', 'svm', '--scoring', 'roc_auc', 'accuracy', 'f1', '--num-search-iterations', '6');
      const columns = header(path.join(out, 'cv_results.csv'));
      for (const metric of ['roc_auc', 'accuracy', 'f1']) {
        for (const c of ['split0_test_', 'split4_test_', 'mean_test_', 'std_test_', 'rank_test_']) assert.ok(columns.includes(c + metric), c + metric);
      }
      const results = await readRunResults(host, out);
      assert.deepStrictEqual(results.scores.metrics.map((m) => [m.name, m.rankedBy, m.top.length]), [['roc_auc', 'rank', 5], ['accuracy', 'rank', 5], ['f1', 'rank', 5]]);
      assert.deepStrictEqual(Object.keys(results.scores.metrics[0].top[0].params), ['classifier__C', 'classifier__gamma']);
      // The saved model carries the parameters of the best roc_auc candidate.
      const best = results.scores.metrics[0].top[0].params;
      const model = run(python, ['-c', 'import joblib, sys; c = joblib.load(sys.argv[1]).named_steps["classifier"]; print(repr(c.C), repr(c.gamma))', path.join(out, 'model.joblib')]);
      assert.strictEqual(model.out.trim(), `${best.classifier__C} ${best.classifier__gamma}`);
    });

    it('gives the same cv_results.csv for the same seed, apart from times and whatever --num-jobs, and other results for another seed', async () => {
      const options = ['--classifier', 'forest', '--num-search-iterations', '4', '--num-folds', '3'];
      runLab(path.join(work, 'seed0-a'), '--random-state', '0', ...options);
      runLab(path.join(work, 'seed0-b'), '--random-state', '0', '--num-jobs', '2', ...options);
      runLab(path.join(work, 'seed1'), '--random-state', '1', ...options);
      const [a, b, other] = await Promise.all(['seed0-a', 'seed0-b', 'seed1'].map((d) => fingerprint(path.join(work, d, 'cv_results.csv'))));
      assert.strictEqual(a.rows.length, 4);
      assert.strictEqual(firstDifferentRow(a, b), undefined);
      assert.notStrictEqual(fs.readFileSync(path.join(work, 'seed0-a', 'cv_results.csv'), 'utf8'), fs.readFileSync(path.join(work, 'seed0-b', 'cv_results.csv'), 'utf8'), 'the fit times differ, so the files do');
      assert.deepStrictEqual(firstDifferentRow(a, other), { row: 1 });
    });

    it('searches a grid, and splits by stratified shuffles when asked', () => {
      const out = path.join(work, 'grid');
      runLab(out, '--random-state', '0', '--classifier', 'svm', '--search-strategy', 'grid', '--split', 'shuffle', '--num-folds', '4', '--num-cv-repeats', '2');
      const lines = fs.readFileSync(path.join(out, 'cv_results.csv'), 'utf8').trim().split('\n');
      assert.strictEqual(lines.length - 1, 16, 'four C by four gamma');
      assert.ok(header(path.join(out, 'cv_results.csv')).includes('split7_test_accuracy'), 'num-folds x num-cv-repeats shuffles');
      assert.ok(!header(path.join(out, 'cv_results.csv')).includes('split8_test_accuracy'));
    });

    it('fails in one line that says what to pass, before writing anything', () => {
      const missing = run(python, [path.join(lab, 'main.py'), '--input-dir', path.join(work, 'nothing'), '--output-dir', path.join(work, 'never')]);
      assert.strictEqual(missing.code, 2);
      assert.strictEqual(missing.err.trim().split('\n').pop(), `sklearn-lab: error: ${path.join(work, 'nothing', 'breast_cancer.csv')} does not exist: pass --input-dir the folder that holds breast_cancer.csv (the image ships one in /opt/lab/data)`);
      const folds = run(python, [path.join(lab, 'main.py'), '--input-dir', path.join(lab, 'data'), '--output-dir', path.join(work, 'never'), '--num-folds', '1']);
      assert.strictEqual(folds.code, 2);
      assert.strictEqual(folds.err.trim().split('\n').pop(), 'sklearn-lab: error: argument --num-folds: 1 is too small: give at least 2');
      assert.ok(!fs.existsSync(path.join(work, 'never')));
    });
  });

  describe('as a SIF, through the Apptainer stand-in', () => {
    let image: string;
    const tmpdir = process.env.TMPDIR;
    before(function () {
      this.timeout(300000);
      // The stand-in unpacks the image under TMPDIR: here, so that it goes when the test ends.
      process.env.TMPDIR = path.join(work, 'tmp');
      fs.mkdirSync(process.env.TMPDIR);
      image = path.join(work, 'sklearn-lab.sif');
      const built = run('bash', [path.join(lab, 'build-sif.sh'), image]);
      assert.strictEqual(built.code, 0, built.err);
    });
    after(() => {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    });

    it('holds the definition file, runscript, labels and help that sklearn-lab.def describes', async () => {
      const inspection = await inspectSif(await hostByteSource(host, image), image);
      assert.strictEqual(inspection.definition, fs.readFileSync(path.join(lab, 'sklearn-lab.def'), 'utf8'));
      assert.deepStrictEqual([inspection.source, inspection.runscript, inspection.labels['org.reprolab.lab']], ['definition file', 'exec python3 /opt/lab/main.py "$@"', 'sklearn-lab']);
      assert.deepStrictEqual(inspection.partitions.map((p) => [p.fs, p.arch]), [['Squashfs', 'amd64']]);
      // Inside, the files `apptainer build` would write from the definition file's sections.
      const { attributes } = JSON.parse(run(standin, ['inspect', '--json', image]).out).data;
      assert.strictEqual(attributes.runscript, '#!/bin/sh\n\nexec python3 /opt/lab/main.py "$@"\n');
      assert.strictEqual(attributes.deffile, inspection.definition);
      assert.deepStrictEqual(attributes.labels, { 'org.label-schema.schema-version': '1.0', 'org.label-schema.build-arch': 'amd64', ...parseLabels(parseDefinition(inspection.definition!).stages[0].sections.find((x) => x.name === 'labels')!.body) });
      const inside = run(standin, ['exec', image, 'sh', '-c', 'cat /etc/os-release; python3 --version; python3 -m pip freeze; cat /.singularity.d/env/90-environment.sh']);
      assert.strictEqual(inside.code, 0, inside.err);
      assert.match(inside.out, /^PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"$/m);
      assert.match(inside.out, /^Python 3\.11\.\d+$/m);
      for (const pin of ['scikit-learn==1.2.1', 'numpy==1.24.2', 'scipy==1.10.1', 'pandas==1.5.3']) assert.match(inside.out, new RegExp(`^${pin}$`, 'm'));
      assert.match(inside.out, /^export LAB_HOME=\/opt\/lab$/m);
    });

    it('answers apptainer run IMAGE -h with the same help as the lab on the host', () => {
      const inImage = run(standin, helpArgv(standin, image).slice(1), { COLUMNS: '200' });
      assert.strictEqual(inImage.code, 0, inImage.err);
      assert.strictEqual(inImage.out, run(python, [path.join(lab, 'main.py'), '-h'], { COLUMNS: '200' }).out);
    });

    it('runs inside the image into a real cv_results.csv, the same as on the host for the same seed', async () => {
      const out = path.join(work, 'in-image');
      const r = run(standin, ['run', image, '--input-dir', '/opt/lab/data', '--output-dir', out, '--random-state', '0']);
      assert.strictEqual(r.code, 0, r.err);
      assert.match(r.err, /INFO - Finished training\.$/m);
      assert.strictEqual(parseYaml(fs.readFileSync(path.join(out, 'args.yaml'), 'utf8')).input_dir, '/opt/lab/data');
      runLab(path.join(work, 'on-host'), '--random-state', '0');
      const [inImage, onHost] = await Promise.all([fingerprint(path.join(out, 'cv_results.csv')), fingerprint(path.join(work, 'on-host', 'cv_results.csv'))]);
      assert.strictEqual(inImage.rows.length, 10);
      assert.strictEqual(firstDifferentRow(inImage, onHost), undefined);
      assert.ok(fs.statSync(path.join(out, 'model.joblib')).size > 0);
    });

    it("runs the example's run configuration as ReproLab runs it locally, into a run folder with scores", async () => {
      const template = parseRunConfig(fs.readFileSync(path.join(lab, 'run-config.yaml'), 'utf8')).config!;
      const config = { ...template, image, output: { root: path.join(work, 'runs') } };
      const help = run(standin, helpArgv(standin, image).slice(1), { COLUMNS: '200' }).out;
      const started = await startLocalRun({ host, apptainer: { binary: standin, version: 'test' }, config, configName: 'sklearn-lab', form: parseHelp(help), now: new Date('2026-12-04T06:00:00Z'), reprolabVersion: 'test' });
      assert.strictEqual(started.outputFolder, path.join(work, 'runs', 'sklearn-lab_seed-0_20261204-060000'));
      let status = (await localRunStatus(host, [started]))[0];
      while (status.state === 'RUNNING') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await localRunStatus(host, [started]))[0];
      }
      assert.deepStrictEqual(status, { state: 'COMPLETED', exitCode: 0 }, fs.readFileSync(path.join(started.outputFolder, 'run.log'), 'utf8'));
      const results = await readRunResults(host, started.outputFolder);
      assert.deepStrictEqual(results.scores.metrics.map((m) => m.name), ['accuracy', 'roc_auc', 'f1']);
      assert.strictEqual(results.scores.metrics[0].top[0].splits.length, 10, 'five folds, twice');
      assert.deepStrictEqual([results.args?.output_dir, results.args?.num_cv_repeats, results.run?.seed], [started.outputFolder, 2, 0]);
    });
  });
});
