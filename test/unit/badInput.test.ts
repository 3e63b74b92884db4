// What a tester threw at the parsers and file readers, each case once a hang, a crash or a wrong answer.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseHelp } from '../../src/core/argparse/help';
import { HostError } from '../../src/core/host/host';
import { LocalHost } from '../../src/core/host/local';
import { CvResultsError, readCvResults } from '../../src/core/results/cvResults';
import { arrayIndices } from '../../src/core/runs/slurmRun';
import { goTime } from '../../src/core/sif/siftoolFormat';

async function* once(text: string | Buffer): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

describe('bad input', () => {
  it('refuses seeds Slurm cannot have, and sweeps past 10000 seeds however they are split', () => {
    assert.throws(() => arrayIndices('9007199254740993'), /largest Slurm array task id/);
    assert.throws(() => arrayIndices('0-99999999999999999999'), /largest Slurm array task id/);
    assert.throws(() => arrayIndices('0-5000,5001-10001'), /more than 10000 seeds/);
    assert.strictEqual(arrayIndices('0-4999,5000-9999').length, 10000);
  });

  it('reads help whose escapes are not colours (tput sgr0, hyperlinks) and help with huge trailing space or deep brackets', () => {
    const sgr0 = parseHelp('usage: x [-h] [--foo FOO]\n\noptions:\n  \x1b[1m--foo\x1b(B\x1b[m FOO  the \x1b]8;;https://x.org\x07thing\x1b]8;;\x07 (default: 3)\n  \x1b[1m--bar\x1b(B\x1b[m  bar\n');
    const options = sgr0.groups.flatMap((g) => g.options).filter((o) => o.kind !== 'help');
    assert.deepStrictEqual(options.map((o) => o.flags), [['--foo'], ['--bar']]);
    assert.strictEqual(options[0].help, 'the thing');
    const spaces = parseHelp(`usage: x [-h]\n\noptions:\n  --foo${' '.repeat(200000)}x\n`);
    assert.ok(spaces.groups.length > 0);
    assert.doesNotThrow(() => parseHelp(`usage: x ${'['.repeat(6000)} --a\n`));
  });

  it('says a file with no line break in its first MiB, or a hex number, is no search result', async () => {
    await assert.rejects(readCvResults(once('x'.repeat(3 << 20)), 'long.csv'), (err: Error) => err instanceof CvResultsError && /no line break in its first 1 MiB/.test(err.message));
    const r = await readCvResults(once('mean_test_score,std_test_score\n0.5,0.1\n0x10,0\n'), 'hex.csv');
    assert.deepStrictEqual(r.metrics[0].top.map((c) => c.mean), [0.5, null]);
  });

  it('ranks a file of 16000 metrics', async () => {
    const n = 16000;
    const csv = `${Array.from({ length: n }, (_, i) => `mean_test_m${i}`).join(',')}\n${Array.from({ length: n }, () => '0.5').join(',')}\n`;
    const r = await readCvResults(once(csv), 'wide.csv');
    assert.strictEqual(r.metrics.length, n);
  });

  it('refuses to read a FIFO or a folder instead of waiting on it', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reprolab-fifo-'));
    try {
      execFileSync('mkfifo', [path.join(dir, 'pipe')]);
      const host = new LocalHost();
      await assert.rejects(host.readFile(path.join(dir, 'pipe')), (err: Error) => err instanceof HostError && /is not a regular file \(a pipe or a device\)/.test(err.message));
      await assert.rejects(host.readRange(path.join(dir, 'pipe'), 0, 10), /not a regular file/);
      await assert.rejects(host.readFile(dir), /is a folder, not a file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows a header time no calendar has instead of failing the report', () => {
    assert.match(goTime(9e15), /^9000000000000000 \(not a valid time/);
    assert.strictEqual(goTime(0), '1970-01-01 00:00:00 +0000 UTC');
  });
});
