import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { parseDefinition } from '../../src/core/sif/definition';
import { checkDefinition } from '../../src/core/sif/definitionDiagnostics';
import { fixture, repoRoot } from '../paths';

// The shell grammar VS Code ships (MIT), from the tm-grammars package, stands in for VS Code's own.
const GRAMMARS: Record<string, string> = {
  'source.apptainer': path.join(repoRoot, 'syntaxes', 'apptainer.tmLanguage.json'),
  'sbatch.injection': path.join(repoRoot, 'syntaxes', 'sbatch.injection.tmLanguage.json'),
  'source.shell': require.resolve('tm-grammars/grammars/shellscript.json'),
};
const SHELL_SECTIONS = new Set(['setup', 'post', 'pre', 'runscript', 'test', 'startscript', 'environment', 'appinstall', 'apprun', 'appstart', 'apptest', 'appenv']);

function registry(): textmate.Registry {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text: string) => new oniguruma.OnigString(text),
  }));
  return new textmate.Registry({
    onigLib,
    loadGrammar: async (scope) => (GRAMMARS[scope] ? textmate.parseRawGrammar(readFileSync(GRAMMARS[scope], 'utf8'), GRAMMARS[scope]) : null),
    getInjections: (scope) => (scope === 'source.shell' ? ['sbatch.injection'] : undefined),
  });
}

/** Each line's tokens, tokenized as VS Code does, failing on a line that takes too long. */
function tokenize(grammar: textmate.IGrammar, lines: string[], name: string): textmate.IToken[][] {
  let stack = textmate.INITIAL;
  return lines.map((line, i) => {
    const result = grammar.tokenizeLine(line, stack, 1000);
    assert.ok(!result.stoppedEarly, `${name}:${i + 1} took too long to tokenize`);
    stack = result.ruleStack;
    return result.tokens;
  });
}

const scopesAt = (tokens: textmate.IToken[], column: number) => tokens.find((t) => t.startIndex <= column && column < t.endIndex)?.scopes ?? [];

describe('definition-file grammar', () => {
  let apptainer: textmate.IGrammar;
  before(async () => {
    apptainer = (await registry().loadGrammar('source.apptainer'))!;
    assert.ok(apptainer, 'the grammar loads');
  });

  it('passes the scope assertions in test/grammar (vscode-tmgrammar-test, as npm run test:grammar)', function () {
    this.timeout(60000);
    const cli = require.resolve('vscode-tmgrammar-test/dist/unit.js');
    const run = spawnSync(process.execPath, [cli, '-c', '-g', GRAMMARS['source.shell'], 'test/grammar/*.test.*'], { cwd: repoRoot, encoding: 'utf8' });
    assert.strictEqual(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /apptainer\.test\.def/);
    assert.match(run.stdout, /sbatch\.test\.sh/);
  });

  it('agrees with the parser on every corpus and defect file: sections, headers and embedded shell', () => {
    const files = [
      ...readdirSync(fixture('def-files')).filter((f) => f.endsWith('.def')).map((f) => fixture('def-files', f)),
      ...readdirSync(fixture('def-defects')).filter((f) => f.endsWith('.def')).map((f) => fixture('def-defects', f)),
    ];
    assert.ok(files.length >= 50);
    for (const file of files) {
      const name = path.basename(file);
      const def = parseDefinition(readFileSync(file, 'utf8'));
      const tokens = tokenize(apptainer, def.lines, name);
      const sectionLines = new Set(def.stages.flatMap((s) => s.sections.map((x) => x.line)));
      def.lines.forEach((line, i) => {
        const first = tokens[i].find((t) => line.slice(t.startIndex, t.endIndex).trim()) ?? tokens[i][0];
        const opensSection = first.scopes.some((s) => s === 'keyword.control.section.apptainer' || s === 'invalid.illegal.section.apptainer');
        assert.strictEqual(opensSection, sectionLines.has(i), `${name}:${i + 1} ${JSON.stringify(line)} opens a section for the parser and the grammar alike`);
      });
      for (const stage of def.stages) {
        for (const header of stage.header.filter((h) => /^[a-z][a-z0-9]*$/.test(h.key))) {
          assert.ok(scopesAt(tokens[header.line], header.column).includes('keyword.other.header.apptainer'), `${name}:${header.line + 1} is a header line`);
        }
        for (const section of stage.sections.filter((s) => SHELL_SECTIONS.has(s.name))) {
          section.body.split('\n').forEach((line, offset) => {
            const column = line.search(/\S/);
            if (column < 0) return;
            assert.ok(scopesAt(tokens[section.line + 1 + offset], column).includes('meta.embedded.block.shell'), `${name}:${section.line + 2 + offset} is shell`);
          });
        }
      }
    }
  });

  it('tokenizes a CRLF file as VS Code sees it, line by line', () => {
    const def = parseDefinition(readFileSync(fixture('def-files', 'catalog_CBFLivUni_crlf.def'), 'utf8'));
    const tokens = tokenize(apptainer, def.lines, 'crlf');
    assert.ok(scopesAt(tokens[3], 0).includes('keyword.control.section.apptainer'));
  });

  it('ships snippets that are valid definition files and tokenize as such', () => {
    const snippets: Record<string, { prefix: string[]; body: string[] }> = JSON.parse(readFileSync(path.join(repoRoot, 'snippets', 'apptainer.json'), 'utf8'));
    assert.deepStrictEqual(Object.keys(snippets), ['Python image', 'PyTorch image', 'CUDA image', 'App', 'Multi-stage build']);
    for (const [name, snippet] of Object.entries(snippets)) {
      // Each tab stop takes its default (the first choice), as when the user presses Tab through it.
      const text = snippet.body.join('\n')
        .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
        .replace(/\$\{\d+:([^}]*)\}/g, '$1')
        .replace(/\$\d+/g, '')
        .replace(/\\\$/g, '$');
      const definition = snippet.body[0].startsWith('%app') ? `Bootstrap: docker\nFrom: python:3.12-slim\n\n${text}` : text;
      assert.deepStrictEqual(checkDefinition(definition), [], name);
      assert.doesNotMatch(definition, /\$\{|\$\d/, `${name} has no tab stop left`);
      tokenize(apptainer, definition.split('\n'), name);
    }
  });
});
