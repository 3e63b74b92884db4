import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import { applyDefinitionFix, checkDefinition, DefinitionProblem } from '../../src/core/sif/definitionDiagnostics';
import { fixture } from '../paths';

const read = (...parts: string[]) => readFileSync(fixture(...parts), 'utf8');
const codes = (text: string) => checkDefinition(text).map((d) => `${d.code}@${d.line}:${d.column}`);

// What real files other people wrote really have; every other corpus file must raise nothing.
const CORPUS_PROBLEMS: Record<string, string[]> = {
  'catalog_CBFLivUni_crlf.def': ['crlf@0:0'],
  // Apptainer has no `self` agent (a Singularity 2 one) and its parser rejects the `Exclude:` key.
  'apptainer_examples_self.def': ['unknown-agent@0:11', 'unknown-header-key@1:0'],
  // Apptainer reads "  %environment" as a section named "" and stops with "invalid section(s) specified".
  'catalog_FelixKrueger_indented_section_in_post.def': ['indented-section@40:2'],
  'singularity_legacy_2.1_ubuntu_keyword_format.def': ['legacy-format@0:0'],
};

// Hand-written files in test/fixtures/def-defects, each with one defect.
const DEFECTS: Record<string, { problem: DefinitionProblem; at: string; severity: 'error' | 'warning'; fixed: boolean }> = {
  'bom.def': { problem: 'bom', at: '0:0', severity: 'error', fixed: true },
  'crlf.def': { problem: 'crlf', at: '0:0', severity: 'warning', fixed: true },
  'zero-width-space-in-section.def': { problem: 'invisible-character', at: '3:5', severity: 'error', fixed: true },
  'no-break-space-in-section.def': { problem: 'invisible-character', at: '3:5', severity: 'error', fixed: true },
  'missing-bootstrap.def': { problem: 'missing-bootstrap', at: '0:0', severity: 'error', fixed: false },
  'unknown-agent.def': { problem: 'unknown-agent', at: '0:11', severity: 'error', fixed: false },
  'agent-case.def': { problem: 'agent-case', at: '0:11', severity: 'error', fixed: true },
  'missing-from.def': { problem: 'missing-from', at: '0:11', severity: 'error', fixed: false },
  'unknown-header-key.def': { problem: 'unknown-header-key', at: '3:0', severity: 'error', fixed: false },
  'header-key-ignored.def': { problem: 'header-key-ignored', at: '2:0', severity: 'warning', fixed: false },
  'header-line-without-key.def': { problem: 'header-line-without-key', at: '1:0', severity: 'error', fixed: false },
  'unknown-section.def': { problem: 'unknown-section', at: '9:0', severity: 'error', fixed: false },
  'repeated-runscript.def': { problem: 'repeated-section', at: '9:0', severity: 'warning', fixed: false },
  'indented-section.def': { problem: 'indented-section', at: '6:4', severity: 'error', fixed: true },
  'tab-after-section.def': { problem: 'tab-after-section', at: '3:5', severity: 'error', fixed: true },
  'app-without-name.def': { problem: 'app-without-name', at: '9:0', severity: 'error', fixed: false },
  'unknown-stage.def': { problem: 'unknown-stage', at: '12:12', severity: 'error', fixed: false },
};

describe('definition-file diagnostics', () => {
  it('raise nothing on real corpus files but the problems they really have', () => {
    const files = readdirSync(fixture('def-files')).filter((f) => f.endsWith('.def'));
    assert.strictEqual(files.length, 33);
    for (const file of files) assert.deepStrictEqual(codes(read('def-files', file)), CORPUS_PROBLEMS[file] ?? [], file);
  });

  it('raise exactly the expected problem on each hand-written defect, and its fix leaves none', () => {
    const files = readdirSync(fixture('def-defects')).filter((f) => f.endsWith('.def')).sort();
    assert.deepStrictEqual(files, Object.keys(DEFECTS).sort(), 'every defect file is listed here');
    for (const [file, expected] of Object.entries(DEFECTS)) {
      const text = read('def-defects', file);
      const found = checkDefinition(text);
      assert.deepStrictEqual(found.map((d) => `${d.code}@${d.line}:${d.column}`), [`${expected.problem}@${expected.at}`], file);
      const [problem] = found;
      assert.strictEqual(problem.severity, expected.severity, file);
      // One sentence that says what to do: a cause, a colon, an instruction.
      assert.match(problem.message, /^[A-Z%].*: .*\.$/, `${file}: ${problem.message}`);
      assert.doesNotMatch(problem.message, /\.\s+[A-Z]/, `${file}: ${problem.message}`);
      assert.strictEqual(!!problem.fix, expected.fixed, `${file} has a certain fix: ${expected.fixed}`);
      if (problem.fix) assert.deepStrictEqual(codes(applyDefinitionFix(text, problem.fix)), [], `${file} after "${problem.fix.title}"`);
    }
  });

  it('converts the real CRLF file to LF and nothing else', () => {
    const text = read('def-files', 'catalog_CBFLivUni_crlf.def');
    const [crlf] = checkDefinition(text);
    const fixed = applyDefinitionFix(text, crlf.fix!);
    assert.strictEqual(fixed, text.replace(/\r\n/g, '\n'));
  });

  it('reads header keys case-insensitively and agents case-sensitively, as Apptainer does', () => {
    assert.deepStrictEqual(codes('BOOTSTRAP: docker\nFROM: alpine\nincludecmd: yes\n%post\n  true\n'), []);
    const [agent] = checkDefinition('Bootstrap: Docker\nFrom: alpine\n');
    assert.strictEqual(agent.message, 'Apptainer reads bootstrap agents in lower case only: write docker.');
    assert.deepStrictEqual(agent.fix!.edits, [{ line: 0, column: 11, endLine: 0, endColumn: 17, newText: 'docker' }]);
  });

  it('suggests the agent, key or section a typo was meant to be', () => {
    assert.match(checkDefinition('Bootstrap: dokcer\nFrom: alpine\n')[0].message, /: write docker\.$/);
    assert.match(checkDefinition('Bootstrap: docker\nFrom: alpine\nMirorURL: x\n')[0].message, /: write MirrorURL, or remove it\.$/);
    assert.match(checkDefinition('Bootstrap: docker\nFrom: alpine\n%runscirpt\n  true\n')[0].message, /rename it to %runscript\.$/);
    assert.match(checkDefinition('Bootstrap: docker\nFrom: alpine\n%build\n  true\n')[0].message, /use %post, %environment, %runscript/);
  });

  it('lets the sections Apptainer joins repeat, and warns when a script would be joined', () => {
    const text = 'Bootstrap: docker\nFrom: alpine\n%post\n a\n%post\n b\n%labels\n A 1\n%labels\n B 2\n%apprun one\n x\n%apprun two\n y\n';
    assert.deepStrictEqual(codes(text), []);
    assert.deepStrictEqual(codes(`${text}%apprun one\n z\n`), ['repeated-section@14:0']);
  });

  it('checks each stage of a multi-stage file and the stage %files takes from', () => {
    const text = 'Bootstrap: docker\nFrom: golang:1.22\nStage: build\n%post\n go build\nBootstrap: library\nFrom: alpine:3.20\nStage: final\n%files from build\n /src/app /usr/local/bin/app\n';
    assert.deepStrictEqual(codes(text), []);
    assert.deepStrictEqual(codes(text.replace('From: alpine:3.20\n', '')), ['missing-from@5:11']);
    assert.deepStrictEqual(codes(text.replace('%files from build', '%files from {{ STAGE }}')), []);
    // Header lines above the first column-0 Bootstrap: make a stage of their own, with no agent.
    assert.deepStrictEqual(codes(`From: ubuntu\n${text}`), ['missing-bootstrap@0:0']);
  });

  it('reads a header value the way Apptainer does: cut at #, continued after \\', () => {
    assert.deepStrictEqual(codes('Bootstrap: yum\nOSVersion: 9\nMirrorURL: http://mirror/%{OSVERSION}/os/ \\\n  x86_64/\nInclude: dnf # the package manager\n%post\n  true\n'), []);
  });

  it('stays quiet on an empty or comment-only file and on templated values', () => {
    assert.deepStrictEqual(checkDefinition(''), []);
    assert.deepStrictEqual(checkDefinition('# a definition file, to be written\n'), []);
    assert.deepStrictEqual(codes('Bootstrap: {{ AGENT }}\nFrom: {{ IMAGE }}\n%arguments\n AGENT=docker\n IMAGE=alpine\n'), []);
  });

  it('reports a bare % line, which Apptainer opens as a section', () => {
    assert.deepStrictEqual(codes('Bootstrap: docker\nFrom: alpine\n%post\n  cat <<EOF\n% done\nEOF\n'), ['unknown-section@4:0']);
  });
});
