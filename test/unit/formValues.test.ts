import * as assert from 'assert';
import { readFileSync } from 'fs';
import { parseHelp } from '../../src/core/argparse/help';
import { argumentKey, argumentsFromValues, checkFormValues, formOptions, valuesFromArguments } from '../../src/core/runs/formValues';
import { fixture } from '../paths';

const form = parseHelp(readFileSync(fixture('abide-demo-help.txt'), 'utf8'));

describe('form values', () => {
  it('keys arguments by long option name and back', () => {
    assert.deepStrictEqual(formOptions(form).map(argumentKey).slice(0, 3), ['input-dir', 'output-dir', 'atlas']);
    const values = { input_dir: '/d', random_state: 0, scoring: ['f1', 'accuracy'], mida: false };
    const args = argumentsFromValues(values, form);
    assert.deepStrictEqual(args, { 'input-dir': '/d', mida: false, scoring: ['f1', 'accuracy'], 'random-state': 0 });
    assert.deepStrictEqual(valuesFromArguments({ ...args, unknown: 1 }, form), { input_dir: '/d', mida: false, scoring: ['f1', 'accuracy'], random_state: 0 });
  });

  it('accepts only what each option takes, from an untrusted webview', () => {
    assert.deepStrictEqual(checkFormValues({ atlas: 'cc400', num_folds: 5, scoring: ['f1'], mida: true }, form).values, { atlas: 'cc400', num_folds: 5, scoring: ['f1'], mida: true });
    for (const [raw, error] of [
      [[], 'values must be an object'],
      [{ atlas: 'xx' }, 'atlas: must be one of aal, cc200, cc400, dosenbach160, ez, ho, tt'],
      [{ mida: 'yes' }, 'mida: must be true or false'],
      [{ scoring: 'f1' }, 'scoring: must be a list'],
      [{ scoring: [] }, 'scoring: needs at least one value'],
      [{ num_folds: 'five' }, 'num-folds: must be a whole number'],
      [{ num_folds: Infinity }, 'num-folds: must be a finite number'],
      [{ input_dir: { $ne: 1 } }, 'input-dir: must be text or a number'],
      [{ rm_rf: true }, 'unknown option rm_rf'],
    ] as [unknown, string][]) {
      assert.strictEqual(checkFormValues(raw, form).error, error);
    }
    assert.deepStrictEqual(checkFormValues({ random_state: null }, form).values, {});
  });
});
