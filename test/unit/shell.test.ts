import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { commandLine, envAssignments, quoteArg, ShellQuoteError } from '../../src/core/shell';
import { argLists, firstMismatch, parseRoundTrip, roundTripScript } from './shellArbitraries';

describe('shell quoting', () => {
  it('leaves plain words alone and single-quotes everything else', () => {
    assert.strictEqual(commandLine(['apptainer', 'run', '--nv', '/scratch/lab_1.sif', '--random-state=0']), 'apptainer run --nv /scratch/lab_1.sif --random-state=0');
    assert.strictEqual(quoteArg(''), "''");
    assert.strictEqual(quoteArg("it's"), "'it'\\''s'");
    assert.strictEqual(quoteArg('$(rm -rf ~)'), "'$(rm -rf ~)'");
    assert.strictEqual(quoteArg('*.sif'), "'*.sif'");
    assert.strictEqual(quoteArg('~'), "'~'");
    assert.strictEqual(quoteArg('=cmd'), "'=cmd'");
  });

  it('keeps a command word that looks like an assignment or a job a plain word', () => {
    assert.strictEqual(commandLine(['a=b', 'x=y']), "'a=b' x=y");
    assert.strictEqual(commandLine(['%1']), "'%1'");
    const r = spawnSync('/bin/bash', ['-c', `${commandLine(['a=b', 'x'])} 2>&1; echo "[$a]"`], { encoding: 'utf8' });
    assert.match(r.stdout, /a=b: command not found\n\[\]\n$/);
  });

  it('rejects a lone surrogate, which cannot travel as UTF-8', () => {
    assert.throws(() => quoteArg('a\uD800b'), /lone UTF-16 surrogate/);
  });

  it('rejects a NUL byte with a clear error', () => {
    assert.throws(() => quoteArg('a\0b'), (err: unknown) => err instanceof ShellQuoteError && /NUL byte/.test(err.message));
    assert.throws(() => commandLine([]), ShellQuoteError);
  });

  it('quotes environment assignments and refuses bad names', () => {
    assert.strictEqual(envAssignments({ HF_HOME: '/tmp/hf cache', X: '' }), "HF_HOME='/tmp/hf cache' X=''");
    assert.throws(() => envAssignments({ 'A B': 'x' }), /not a valid environment variable name/);
  });

  it('round-trips 10,000 generated argument lists byte for byte through a real /bin/sh', () => {
    const cases = fc.sample(argLists, { numRuns: 10000, seed: 20261203 });
    for (let start = 0; start < cases.length; start += 2500) {
      const batch = cases.slice(start, start + 2500);
      const r = spawnSync('/bin/sh', ['-c', roundTripScript(batch, commandLine)], { maxBuffer: 64 * 1024 * 1024 });
      assert.strictEqual(r.status, 0, r.stderr.toString());
      const mismatch = firstMismatch(batch, parseRoundTrip(r.stdout));
      assert.strictEqual(mismatch, undefined, mismatch);
    }
  });

  it('finds a mismatch when quoting is wrong (the property can fail)', () => {
    const naive = (argv: string[]) => argv.join(' ');
    const batch = [['a b'], ['$HOME']];
    const r = spawnSync('/bin/sh', ['-c', roundTripScript(batch, naive)]);
    assert.ok(firstMismatch(batch, parseRoundTrip(r.stdout)));
  });
});
