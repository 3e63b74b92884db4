import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import { checkDirectives, directiveOptionAt, DirectiveProblem } from '../../src/core/slurm/directiveDiagnostics';
import { parseBatchScript } from '../../src/core/slurm/directives';
import { findLongOption, findShortOption, SBATCH_OPTIONS } from '../../src/core/slurm/sbatchOptions';
import { applyDefinitionFix } from '../../src/core/sif/definitionDiagnostics';
import { fixture } from '../paths';

const read = (...parts: string[]) => readFileSync(fixture(...parts), 'utf8');
const codes = (text: string) => checkDirectives(text).map((d) => `${d.code}@${d.line}:${d.column}`);

// What the real job scripts really have; every other one must raise nothing.
const CORPUS_PROBLEMS: Record<string, string[]> = {
  // sbatch refuses it: "Batch script contains DOS line breaks".
  'OptimizedEfficientNets_job1_crlf.sbatch': ['crlf@0:0'],
  // A template whose blanks were never filled in: `--partition=`, `-w` and `-A` followed by a comment
  // (getopt then takes the next directive as their value) and `--cpus-per-gpu=`.
  'myovision-sam_train_template_empty_values_array_throttle.sh': ['missing-value@2:8', 'missing-value@3:8', 'missing-value@5:8', 'missing-value@10:8'],
};

// Hand-written files in test/fixtures/sbatch-defects, each with one defect (clean.sh has none).
const DEFECTS: Record<string, { problem: DirectiveProblem; at: string; severity: 'error' | 'warning'; fixed: boolean }> = {
  'crlf.sh': { problem: 'crlf', at: '0:0', severity: 'error', fixed: true },
  'unknown-option.sh': { problem: 'unknown-option', at: '3:8', severity: 'error', fixed: true },
  'unknown-short-option.sh': { problem: 'unknown-option', at: '1:8', severity: 'error', fixed: false },
  'ambiguous-option.sh': { problem: 'ambiguous-option', at: '4:8', severity: 'error', fixed: false },
  'missing-value.sh': { problem: 'missing-value', at: '2:8', severity: 'error', fixed: false },
  'unexpected-value.sh': { problem: 'unexpected-value', at: '6:8', severity: 'error', fixed: true },
  'not-an-option.sh': { problem: 'not-an-option', at: '2:8', severity: 'error', fixed: true },
  'bad-time.sh': { problem: 'bad-time', at: '2:15', severity: 'error', fixed: false },
  'bad-memory.sh': { problem: 'bad-memory', at: '4:14', severity: 'error', fixed: false },
  'bad-memory-per-cpu.sh': { problem: 'bad-memory', at: '4:22', severity: 'error', fixed: false },
  'after-command.sh': { problem: 'after-command', at: '7:0', severity: 'warning', fixed: false },
  'indented.sh': { problem: 'ignored-directive', at: '4:2', severity: 'warning', fixed: true },
  'lowercase.sh': { problem: 'ignored-directive', at: '4:0', severity: 'warning', fixed: true },
};

describe('#SBATCH directives', () => {
  it('raise nothing on the real job scripts but the problems they really have', () => {
    const files = readdirSync(fixture('slurm', 'jobscripts'));
    assert.strictEqual(files.length, 10);
    for (const file of files) assert.deepStrictEqual(codes(read('slurm', 'jobscripts', file)), CORPUS_PROBLEMS[file] ?? [], file);
  });

  it('raise exactly the expected problem on each hand-written defect, and its fix leaves none', () => {
    const files = readdirSync(fixture('sbatch-defects')).filter((f) => f !== 'clean.sh').sort();
    assert.deepStrictEqual(files, Object.keys(DEFECTS).sort(), 'every defect file is listed here');
    assert.deepStrictEqual(codes(read('sbatch-defects', 'clean.sh')), []);
    for (const [file, expected] of Object.entries(DEFECTS)) {
      const text = read('sbatch-defects', file);
      const found = checkDirectives(text);
      assert.deepStrictEqual(found.map((d) => `${d.code}@${d.line}:${d.column}`), [`${expected.problem}@${expected.at}`], file);
      const [problem] = found;
      assert.strictEqual(problem.severity, expected.severity, file);
      // One sentence that says what to do: a cause, a colon, an instruction.
      assert.match(problem.message, /^[^\s].*: .*[.?]$/, `${file}: ${problem.message}`);
      assert.doesNotMatch(problem.message, /\.\s+[A-Z]/, `${file}: ${problem.message}`);
      assert.strictEqual(!!problem.fix, expected.fixed, `${file} has a fix: ${expected.fixed}`);
      if (problem.fix) assert.deepStrictEqual(codes(applyDefinitionFix(text, problem.fix)), [], `${file} after "${problem.fix.title}"`);
    }
  });

  it('suggests the option a typo was meant to be, long or prefixed', () => {
    const [typo] = checkDirectives(read('sbatch-defects', 'unknown-option.sh'));
    assert.match(typo.message, /did you mean --cpus-per-task\?$/);
    assert.strictEqual(typo.fix?.title, 'Change to --cpus-per-task');
    const [ambiguous] = checkDirectives(read('sbatch-defects', 'ambiguous-option.sh'));
    assert.match(ambiguous.message, /--mem-per-cpu, --mem-per-gpu/);
    // getopt takes an unambiguous prefix, so sbatch does too.
    assert.deepStrictEqual(codes('#!/bin/bash\n#SBATCH --part=gpu --ntasks-per-n=2\ntrue\n'), []);
  });

  it('says which word sbatch swallows when a value is missing', () => {
    const [missing] = checkDirectives(read('sbatch-defects', 'missing-value.sh'));
    assert.match(missing.message, /takes the next word \("--cpus-per-task=1"\) as its value: write --time=TIME/);
    assert.deepStrictEqual(codes('#!/bin/bash\n#SBATCH --mem=4G -t\n'), ['missing-value@1:17']);
    assert.match(checkDirectives('#!/bin/bash\n#SBATCH --mem=4G -t\n')[0].message, /^-t needs a value: /);
  });

  it('reads every Slurm time format and memory unit sbatch takes, and refuses the others', () => {
    const time = (value: string) => codes(`#!/bin/bash\n#SBATCH --time=${value}\n`);
    for (const good of ['30', '30:00', '1:30:00', '1-12', '1-12:30', '1-12:30:15', '0-12:00:00', 'UNLIMITED', 'infinite', '-1', '1-']) assert.deepStrictEqual(time(good), [], good);
    for (const bad of ['1:2:3:4', '90m', '1h', '1.5', '2-3-4', '1:', '$TIME']) assert.deepStrictEqual(time(bad), ['bad-time@1:15'], bad);
    const mem = (value: string) => codes(`#!/bin/bash\n#SBATCH --mem=${value}\n`);
    for (const good of ['0', '100', '100M', '100MB', '100m', '1G', '1g', '1GB', '1Gb', '1T', '1024k', '1KB']) assert.deepStrictEqual(mem(good), [], good);
    for (const bad of ['1.5G', '1GiB', 'G', '1G1', '-1', '1P', '1MBB', '16 G']) assert.notDeepStrictEqual(mem(bad), [], bad);
    assert.match(checkDirectives('#!/bin/bash\n#SBATCH --mem=1.5G\n')[0].message, /such as 1536M for 1\.5G\.$/);
    assert.match(checkDirectives('#!/bin/bash\n#SBATCH --time=$TIME\n')[0].message, /does not expand shell variables/);
  });

  it('parses directives as sbatch does: quotes, comments, short options, hetjob components', () => {
    const script = parseBatchScript('#!/bin/bash\n#SBATCH --job-name="a b" -c1 # a comment\n#SBATCH hetjob\n#SBATCH -t 5\n\n# a comment\nsrun x\n#SBATCH --late\n');
    assert.deepStrictEqual(script.directives.map((d) => d.words.map((w) => w.text)), [['--job-name=a b', '-c1'], ['hetjob'], ['-t', '5']]);
    assert.deepStrictEqual(script.directives.map((d) => d.separator), [false, true, false]);
    assert.strictEqual(script.firstCommand, 6);
    assert.deepStrictEqual(script.ignored, [{ line: 7, column: 0, endColumn: 14, why: 'after-command' }]);
    // Each component stands alone: `-t` at the end of the first one has no value.
    assert.deepStrictEqual(codes('#!/bin/bash\n#SBATCH -t\n#SBATCH hetjob\n#SBATCH 5\n'), ['missing-value@1:8', 'not-an-option@3:8']);
  });

  it('ignores #SBATCH lines inside a here-document, which belong to the script being written', () => {
    const text = '#!/bin/bash\n#SBATCH --time=5\ncat > inner.sh <<EOF\n#!/bin/bash\n#SBATCH --time=10\nEOF\n#SBATCH --mem=1G\n';
    assert.deepStrictEqual(codes(text), ['after-command@6:0']);
    assert.deepStrictEqual(codes('#!/bin/bash\ncat <<-"END"\n\t#SBATCH --x\n\tEND\n'), []);
  });

  it('leaves shell scripts without directives alone, CRLF or not', () => {
    assert.deepStrictEqual(codes('#!/bin/bash\r\necho hello\r\n'), []);
  });

  it('knows sbatch\'s options, long and short, with a description for each', () => {
    assert.ok(SBATCH_OPTIONS.length > 100);
    assert.strictEqual(new Set(SBATCH_OPTIONS.map((o) => o.name)).size, SBATCH_OPTIONS.length);
    for (const option of SBATCH_OPTIONS) assert.match(option.description, /^[A-Z].*\.$/, option.name);
    assert.strictEqual(findShortOption('t')?.name, 'time');
    assert.strictEqual(findShortOption('j'), undefined);
    assert.deepStrictEqual(findLongOption('ntasks'), { option: SBATCH_OPTIONS.find((o) => o.name === 'ntasks') });
    assert.ok('ambiguous' in (findLongOption('ntasks-per') ?? {}));
  });

  it('finds the option under the cursor for hover', () => {
    const text = read('slurm', 'jobscripts', 'arcca_resnet50_v100_short_opts.sh');
    assert.strictEqual(directiveOptionAt(text, 9, 9)?.name, 'time'); // -t 12:00:00
    assert.strictEqual(directiveOptionAt(text, 5, 12)?.name, 'gres');
    assert.strictEqual(directiveOptionAt(text, 12, 0), undefined);
  });
});
