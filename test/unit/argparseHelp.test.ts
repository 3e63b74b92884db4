import * as assert from 'assert';
import { readFileSync } from 'fs';
import { FormOption, FormSchema, parseHelp, parsePythonValue } from '../../src/core/argparse/help';
import { fixture } from '../paths';

const parse = (name: string) => parseHelp(readFileSync(fixture('argparse-help', name), 'utf8'));
const options = (s: FormSchema) => s.groups.flatMap((g) => g.options);
const option = (s: FormSchema, dest: string): FormOption => {
  const found = options(s).find((o) => o.dest === dest);
  assert.ok(found, `${dest} among ${options(s).map((o) => o.dest).join(', ')}`);
  return found;
};

describe('argparse --help → form schema', () => {
  describe("the seed lab's container help", () => {
    for (const file of ['abide-demo-help.txt', 'abide-demo-help-cols200.txt']) {
      it(`reads every option of ${file} exactly`, () => {
        const s = parseHelp(readFileSync(fixture(file), 'utf8'));
        assert.strictEqual(s.prog, 'abide-site-adaptation-demo');
        assert.match(s.description ?? '', /^Demo on the use of domain adaptation .* IEEE TMI 2022\.$/);
        assert.deepStrictEqual(s.groups.map((g) => g.title), ['options', 'paths', 'preprocessing', 'model', 'training', 'evaluation', 'runtime']);
        assert.strictEqual(options(s).length, 20);
        const rows = options(s).filter((o) => o.kind !== 'help').map((o) => [
          s.groups.find((g) => g.options.includes(o))!.title, o.flags.join(','), o.kind, o.nargs, o.required, JSON.stringify(o.default), (o.choices ?? []).join('|'),
        ]);
        assert.deepStrictEqual(rows, [
          ['paths', '--input-dir', 'value', 1, true, 'null', ''],
          ['paths', '--output-dir', 'value', 1, true, 'null', ''],
          ['preprocessing', '--atlas', 'value', 1, false, '"cc200"', 'aal|cc200|cc400|dosenbach160|ez|ho|tt'],
          ['preprocessing', '--band-pass-filtering', 'boolean', 0, false, 'false', ''],
          ['preprocessing', '--global-signal-regression', 'boolean', 0, false, 'false', ''],
          ['preprocessing', '--quality-checked', 'boolean', 0, false, 'true', ''],
          ['model', '--classifier', 'value', 1, false, '"logistic"', 'ridge|svm|logistic'],
          ['model', '--mida', 'boolean', 0, false, 'false', ''],
          ['model', '--feature-extraction', 'value', '+', false, '["pearson"]', 'covariance|pearson|partial|tangent|precision'],
          ['training', '--search-strategy', 'value', 1, false, '"random"', 'grid|random'],
          ['training', '--num-search-iterations', 'value', 1, false, '10', ''],
          ['training', '--num-solver-iterations', 'value', 1, false, '100', ''],
          ['evaluation', '--scoring', 'value', '+', false, '["accuracy"]', 'accuracy|precision|recall|f1|roc_auc|matthews_corrcoef'],
          ['evaluation', '--split', 'value', 1, false, '"skf"', 'skf|lpgo'],
          ['evaluation', '--num-folds', 'value', 1, false, '5', ''],
          ['evaluation', '--num-cv-repeats', 'value', 1, false, '1', ''],
          ['runtime', '--num-jobs', 'value', 1, false, '1', ''],
          ['runtime', '--random-state', 'value', 1, false, 'null', ''],
          ['runtime', '--verbose', 'value', 1, false, '0', ''],
        ]);
        assert.deepStrictEqual(options(s).filter((o) => o.kind === 'boolean').map((o) => o.negative), ['--no-band-pass-filtering', '--no-global-signal-regression', '--no-quality-checked', '--no-mida']);
        assert.deepStrictEqual(s.mutuallyExclusive, [], 'a boolean pair is one option, not an exclusive group');
        assert.deepStrictEqual(option(s, 'input_dir').type, { name: 'path', guessed: true });
        assert.deepStrictEqual(option(s, 'num_folds').type, { name: 'int', guessed: true });
        assert.deepStrictEqual(option(s, 'random_state').type, { name: 'int', guessed: true });
        assert.strictEqual(option(s, 'scoring').help, 'Scoring metrics to evaluate the model performance. The first metric will be used for hyperparameter tuning.');
      });
    }
  });

  it('"optional arguments:", a positional listed last, aliases long-before-short, no help text', () => {
    const s = parse('nvidia-dle_pytorch-resnet50_main.txt');
    assert.deepStrictEqual(s.groups.map((g) => g.title), ['positional arguments', 'optional arguments']);
    assert.deepStrictEqual([option(s, 'DIR').positional, option(s, 'DIR').required], [true, true]);
    assert.deepStrictEqual(option(s, 'lr').flags, ['--lr', '--learning-rate']);
    assert.deepStrictEqual(option(s, 'arch').flags, ['--arch', '-a']);
    assert.strictEqual(option(s, 'checkpoint_filename').help, '');
  });

  it('required options and custom groups', () => {
    const s = parse('nvidia-dle_tf1-resnet50_main_groups.txt');
    assert.ok(option(s, 'batch_size').required);
    assert.ok(s.groups.some((g) => g.title === 'Dataset arguments'));
  });

  it('defaults on every option, nargs + and a one-line usage', () => {
    const s = parse('nvidia-dle_pytorch-nnunet_main_defaults.txt');
    assert.strictEqual(option(s, 'filters').nargs, '+');
    assert.ok(options(s).filter((o) => o.kind !== 'help').every((o) => 'default' in o));
  });

  it('a required mutually exclusive group and a REMAINDER positional', () => {
    const s = parse('nvidia-dle_triton_deployer_required_mutex_remainder.txt');
    assert.deepStrictEqual(s.mutuallyExclusive, [{ dests: ['ts_script', 'ts_trace', 'onnx', 'trt'], required: true }]);
    assert.ok(options(s).some((o) => o.positional && o.dest === 'model_arguments'));
  });

  it('options without help text and nargs=2', () => {
    const s = parse('nvidia-dle_tft_train_no_help_text.txt');
    assert.strictEqual(option(s, 'sample_data').nargs, 2);
    assert.deepStrictEqual([option(s, 'data_path').required, option(s, 'dataset').required], [true, true]);
  });

  it('exclusive groups in usage and blocks without an options heading', () => {
    const s = parse('nvidia-dle_gnmt_translate_mutex_split_blocks.txt');
    assert.deepStrictEqual(s.mutuallyExclusive.map((m) => m.dests), [['input', 'input_text'], ['batch_first', 'seq_first']]);
    assert.strictEqual(option(s, 'math').nargs, '+');
    assert.deepStrictEqual(option(s, 'math').choices, ['fp16', 'fp32', 'tf32']);
    assert.deepStrictEqual(option(s, 'percentiles').default, [90, 95, 99]);
  });

  it('an optional positional [DIR] with a hand-edited usage', () => {
    const s = parse('pytorch-examples_imagenet_main.txt');
    assert.deepStrictEqual([option(s, 'DIR').nargs, option(s, 'DIR').required], ['?', false]);
  });

  it('"options:" heading and a required option', () => {
    const s = parse('pytorch-examples_dcgan_main_options_heading.txt');
    assert.deepStrictEqual(s.groups.map((g) => g.title), ['options']);
    assert.ok(option(s, 'dataset').required);
  });

  it('tolerates usage and options that disagree, and hand-edited lines', () => {
    assert.ok(options(parse('pytorch-examples_gat_usage_options_mismatch.txt')).some((o) => o.flags.includes('--no-accel')));
    const hand = parse('pytorch-examples_super_resolution_hand_edited.txt');
    assert.ok(option(hand, 'upscale_factor').required);
    assert.ok(options(hand).some((o) => o.flags.includes('--accel')));
  });

  it('help that starts at the options, with no usage or description', () => {
    const s = parse('pytorch-examples_word_language_model_no_usage.txt');
    assert.strictEqual(s.usage, undefined);
    assert.strictEqual(options(s).length, 21);
  });

  it('metavar printed once per option, a positional in a custom group, a choices list broken across lines', () => {
    const s = parse('yanndubs-disentangling-vae_main_groups_custom_formatter.txt');
    assert.ok(option(s, 'name').positional);
    assert.deepStrictEqual(option(s, 'log_level').flags, ['-L', '--log-level']);
    assert.ok((option(s, 'log_level').choices ?? []).length > 3);
  });

  it('BooleanOptionalAction pairs and a sub-command program name', () => {
    const s = parse('allenporter-nano-gpt_train_boolean_optional.txt');
    assert.strictEqual(s.prog, 'nano-gpt train');
    const compile = option(s, 'compile');
    assert.deepStrictEqual([compile.kind, compile.negative], ['boolean', '--no-compile']);
  });

  it('sub-commands as the choices of a positional', () => {
    const s = parse('huggingface-cli_subcommands.txt');
    const command = option(s, 'command');
    assert.ok(command.positional && (command.choices ?? []).includes('login'));
  });

  it('the canonical exclusive group [-v | -q] with store_true options', () => {
    const s = parse('cpython-howto_prog_mutually_exclusive.txt');
    assert.deepStrictEqual(s.mutuallyExclusive, [{ dests: ['verbose', 'quiet'], required: false }]);
    assert.strictEqual(option(s, 'verbose').kind, 'flag');
  });

  it('Apptainer runtime lines before the help, then required options from the usage', () => {
    const s = parse('gencast-fp_preprocess_apptainer_warning_prefix_options.txt');
    assert.deepStrictEqual(s.runtimeNoise, ['WARNING: underlay of /usr/bin/nvidia-smi required more than 50 (225) bind mounts']);
    assert.strictEqual(s.prog, 'gencast_fp_cli.py preprocess');
    assert.deepStrictEqual(options(s).filter((o) => o.required).map((o) => o.dest), ['start_date', 'end_date']);
  });

  it('an error reply (usage + error) still gives the program and the required single-dash options', () => {
    const s = parse('bag-of-tricks_train_error_single_dash_long_options.txt');
    assert.strictEqual(s.prog, 'train.py');
    assert.match(s.usage ?? '', /-net NET/);
  });

  it('jsonargparse help: dotted options and Python-repr group titles', () => {
    const fit = parse('lightning-cli_fit_dotted_options_jsonargparse.txt');
    assert.ok(options(fit).some((o) => o.flags.includes('--model.out_dim')));
    assert.ok(option(fit, 'model_out_dim'));
    const main = parse('lightning-cli_main_subcommands_jsonargparse.txt');
    assert.ok(main.groups.some((g) => g.title === 'subcommands'));
  });

  it('wide help and a custom formatter with pre-formatted text', () => {
    assert.strictEqual(options(parse('nvidia-dle_moflow_train_wide.txt')).length, 28);
    const mask = parse('nvidia-dle_tf2-maskrcnn_main_custom_formatter.txt');
    assert.ok(option(mask, 'MODE').positional);
    assert.deepStrictEqual(option(mask, 'learning_rate_values').default, [0.01, 0.001, 0.0001]);
  });

  it('strips the colour of Python 3.14 help before reading it', () => {
    const coloured = readFileSync(fixture('abide-demo-help.txt'), 'utf8')
      .replace(/^usage:/m, '\x1b[1;34musage:\x1b[0m')
      .replace(/--atlas \{/g, '\x1b[1;36m--atlas\x1b[0m \x1b[33m{')
      .replace(/(\{aal[^}]*\})/g, '$1\x1b[0m');
    const s = parseHelp(coloured);
    assert.deepStrictEqual(option(s, 'atlas').choices, ['aal', 'cc200', 'cc400', 'dosenbach160', 'ez', 'ho', 'tt']);
    assert.strictEqual(options(s).length, 20);
  });

  it('reads Python reprs of defaults', () => {
    assert.deepStrictEqual(['None', 'True', '3', '0.001', "'x y'", "['a', 'b']", '(90, 95, 99)', '[]', 'cuda'].map(parsePythonValue), [null, true, 3, 0.001, 'x y', ['a', 'b'], [90, 95, 99], [], 'cuda']);
  });
});
