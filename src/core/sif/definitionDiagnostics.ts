/**
 * Problems in Apptainer definition files that make `apptainer build` fail or do something the
 * author did not mean, each with a one-sentence fix and, where the fix is certain, the edits.
 * The rules follow Apptainer's parser (pkg/build/types/parser/deffile.go) and its bootstrap agents
 * (internal/pkg/build); the corpus in test/fixtures/def-files must stay free of false alarms.
 */
import { closest } from '../closestWord';
import { TextEdit, TextFix, TextProblem } from '../textProblem';
import { APP_SECTIONS, DefinitionFile, firstWord, parseDefinition, SECTIONS, Section, Stage } from './definition';

export type DefinitionProblem =
  | 'bom'
  | 'crlf'
  | 'invisible-character'
  | 'legacy-format'
  | 'missing-bootstrap'
  | 'unknown-agent'
  | 'agent-case'
  | 'missing-from'
  | 'unknown-header-key'
  | 'header-key-ignored'
  | 'header-line-without-key'
  | 'unknown-section'
  | 'repeated-section'
  | 'indented-section'
  | 'tab-after-section'
  | 'app-without-name'
  | 'unknown-stage';

export type DefinitionEdit = TextEdit;
export type DefinitionFix = TextFix;
export type DefinitionDiagnostic = TextProblem<DefinitionProblem>;

/** Header keys Apptainer accepts at all; any other key stops the build (`otherurlN` takes any number). */
const HEADER_KEYS: Record<string, string> = {
  bootstrap: 'Bootstrap', from: 'From', includecmd: 'IncludeCmd', mirrorurl: 'MirrorURL', updateurl: 'UpdateURL', osversion: 'OSVersion',
  include: 'Include', library: 'Library', registry: 'Registry', namespace: 'Namespace', stage: 'Stage', product: 'Product', user: 'User',
  regcode: 'Regcode', productpgp: 'ProductPGP', registerurl: 'RegisterURL', modules: 'Modules', fingerprints: 'Fingerprints',
  confurl: 'confURL', setopt: 'Setopt',
};
const OTHER_URL = /^otherurl\d+$/;

interface Agent {
  /** Header keys the agent reads, besides Bootstrap and Stage. */
  keys: string[];
  /** Whether it needs `From:`. */
  needsFrom: boolean;
}
const RPM_KEYS = ['osversion', 'mirrorurl', 'updateurl', 'include', 'setopt'];
/** Apptainer's bootstrap agents (values are matched case-sensitively, as Apptainer does). */
const AGENTS: Record<string, Agent> = {
  docker: { keys: ['from', 'includecmd', 'registry', 'namespace'], needsFrom: true },
  library: { keys: ['from', 'library', 'fingerprints'], needsFrom: true },
  oras: { keys: ['from', 'fingerprints'], needsFrom: true },
  localimage: { keys: ['from', 'fingerprints'], needsFrom: true },
  shub: { keys: ['from', 'fingerprints'], needsFrom: true },
  'docker-archive': { keys: ['from', 'includecmd'], needsFrom: true },
  'docker-daemon': { keys: ['from', 'includecmd'], needsFrom: true },
  oci: { keys: ['from', 'includecmd'], needsFrom: true },
  'oci-archive': { keys: ['from', 'includecmd'], needsFrom: true },
  buildkit: { keys: ['from'], needsFrom: true },
  debootstrap: { keys: ['osversion', 'mirrorurl', 'include'], needsFrom: false },
  yum: { keys: RPM_KEYS, needsFrom: false },
  dnf: { keys: RPM_KEYS, needsFrom: false },
  zypper: { keys: ['osversion', 'mirrorurl', 'updateurl', 'include', 'product', 'user', 'regcode', 'productpgp', 'registerurl', 'modules', 'confurl'], needsFrom: false },
  arch: { keys: ['include', 'confurl'], needsFrom: false },
  busybox: { keys: ['mirrorurl'], needsFrom: false },
  scratch: { keys: [], needsFrom: false },
};

/** Sections whose repeats Apptainer joins into one script that is meant to be one thing. */
const SINGLE_PURPOSE = new Set(['runscript', 'startscript', 'test', 'help', 'apprun', 'appstart', 'apptest', 'apphelp']);

/** Invisible or look-alike characters; `space` ones stand where a plain space was meant. */
const INVISIBLE: Record<string, { name: string; space?: boolean }> = {
  '\u00a0': { name: 'no-break space', space: true },
  '\u202f': { name: 'narrow no-break space', space: true },
  '\u2007': { name: 'figure space', space: true },
  '\u205f': { name: 'medium mathematical space', space: true },
  '\u3000': { name: 'ideographic space', space: true },
  '\u1680': { name: 'ogham space mark', space: true },
  '\u200b': { name: 'zero-width space' },
  '\u200c': { name: 'zero-width non-joiner' },
  '\u200d': { name: 'zero-width joiner' },
  '\u2060': { name: 'word joiner' },
  '\ufeff': { name: 'zero-width no-break space' },
  '\u00ad': { name: 'soft hyphen' },
  '\u200e': { name: 'left-to-right mark' },
  '\u200f': { name: 'right-to-left mark' },
  '\u180e': { name: 'Mongolian vowel separator' },
};
const INVISIBLE_CHARS = /[\u00a0\u00ad\u1680\u180e\u2000-\u200f\u202a-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]/g;

function describeInvisible(char: string): { name: string; space: boolean } {
  const known = INVISIBLE[char];
  if (known) return { name: known.name, space: known.space ?? false };
  const code = char.charCodeAt(0);
  if (code >= 0x2000 && code <= 0x200a) return { name: 'typographic space', space: true };
  return { name: 'invisible formatting character', space: false };
}

const codePoint = (char: string) => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
const isTemplated = (text: string) => text.includes('{{');

/** Every problem of a definition file, in line order. */
export function checkDefinition(text: string): DefinitionDiagnostic[] {
  const def = parseDefinition(text);
  const { lines } = def;
  // A new, empty or comment-only file has nothing to report yet.
  if (!def.bom && lines.every((l) => !l.trim() || l.trim().startsWith('#'))) return [];
  const out: DefinitionDiagnostic[] = [];
  const wholeLine = (line: number) => ({ line, column: 0, endLine: line, endColumn: Math.max(lines[line]?.length ?? 0, 0) });

  if (def.bom) {
    out.push({ code: 'bom', ...wholeLine(0), severity: 'error', message: 'This file starts with a UTF-8 byte order mark, which Apptainer reads as part of the first line and fails on: save it without the BOM.', fix: { title: 'Save without the byte order mark', edits: [], removeBom: true } });
  }
  if (def.crlf) {
    out.push({ code: 'crlf', ...wholeLine(0), severity: 'warning', message: 'This file has Windows (CRLF) line endings, which older Singularity versions and Linux shells misread: convert it to LF.', fix: { title: 'Convert line endings to LF', edits: [], lineEndings: 'lf' } });
  }
  out.push(...invisibleCharacters(def));
  for (const stage of def.stages) out.push(...checkStage(stage, def));
  out.push(...checkStageReferences(def));
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function invisibleCharacters(def: DefinitionFile): DefinitionDiagnostic[] {
  const out: DefinitionDiagnostic[] = [];
  const headerLines = new Set(def.stages.flatMap((s) => [...s.header.map((h) => h.line), ...s.stray]));
  def.lines.forEach((line, index) => {
    const sectionLine = firstWord(line.replace(INVISIBLE_CHARS, '')).startsWith('%');
    if (!sectionLine && !headerLines.has(index)) return;
    for (const match of line.matchAll(INVISIBLE_CHARS)) {
      const char = match[0];
      const column = match.index ?? 0;
      const { name, space } = describeInvisible(char);
      const where = sectionLine ? 'section line' : 'header line';
      out.push({
        code: 'invisible-character', line: index, column, endLine: index, endColumn: column + 1,
        severity: sectionLine ? 'error' : 'warning',
        message: space
          ? `This ${where} holds a ${name} (${codePoint(char)}) where Apptainer expects a plain space: replace it with a space.`
          : `This ${where} holds an invisible ${name} (${codePoint(char)}), which changes how Apptainer reads it: remove it.`,
        fix: {
          title: space ? `Replace the ${name} (${codePoint(char)}) with a space` : `Remove the ${name} (${codePoint(char)})`,
          edits: [{ line: index, column, endLine: index, endColumn: column + 1, newText: space ? ' ' : '' }],
        },
      });
    }
  });
  return out;
}

function checkStage(stage: Stage, def: DefinitionFile): DefinitionDiagnostic[] {
  const out: DefinitionDiagnostic[] = [];
  const { lines } = def;
  const bootstrap = stage.header.find((h) => h.key === 'bootstrap');

  if (!bootstrap && stage.sections.length === 0 && stage.stray.length > 0) {
    const line = stage.stray[0];
    return [{ code: 'legacy-format', line, column: 0, endLine: line, endColumn: lines[line].length, severity: 'error', message: 'This is a Singularity 2.1 keyword file, which Apptainer cannot build: rewrite it as a Bootstrap: header with %post and %runscript sections.' }];
  }

  for (const line of stage.stray) {
    const column = lines[line].length - lines[line].trimStart().length;
    out.push({ code: 'header-line-without-key', line, column, endLine: line, endColumn: lines[line].trimEnd().length, severity: 'error', message: 'Apptainer stops at this header line because it has no "key:": write it as Key: value, or comment it out with #.' });
  }

  for (const entry of stage.header) {
    if (HEADER_KEYS[entry.key] || OTHER_URL.test(entry.key) || isTemplated(entry.key)) continue;
    const known = closest(entry.key, Object.keys(HEADER_KEYS));
    out.push({
      code: 'unknown-header-key', ...keyRange(entry, lines), severity: 'error',
      message: `Apptainer stops at the unknown header key "${rawKey(entry, lines)}": ${known ? `write ${HEADER_KEYS[known]}, or remove it` : 'remove it, or fix its spelling'}.`,
    });
  }

  if (!bootstrap) {
    const first = stage.header[0]?.line ?? stage.sections[0]?.line ?? stage.line;
    out.push({ code: 'missing-bootstrap', line: first, column: 0, endLine: first, endColumn: lines[first]?.length ?? 0, severity: 'error', message: 'This stage has no Bootstrap: header: add one, such as Bootstrap: docker followed by From: python:3.12-slim.' });
  } else if (!isTemplated(bootstrap.value)) {
    out.push(...checkAgent(stage, bootstrap, lines));
  }

  out.push(...checkSections(stage, lines));
  return out;
}

function checkAgent(stage: Stage, bootstrap: Stage['header'][number], lines: string[]): DefinitionDiagnostic[] {
  const value = bootstrap.value;
  const range = { line: bootstrap.line, column: bootstrap.valueColumn, endLine: bootstrap.line, endColumn: bootstrap.valueColumn + value.length };
  const agent = AGENTS[value];
  if (!agent) {
    if (AGENTS[value.toLowerCase()]) {
      const lower = value.toLowerCase();
      return [{ code: 'agent-case', ...range, severity: 'error', message: `Apptainer reads bootstrap agents in lower case only: write ${lower}.`, fix: { title: `Write ${lower}`, edits: [{ ...range, newText: lower }] } }];
    }
    const near = closest(value.toLowerCase(), Object.keys(AGENTS));
    const list = 'docker, library, oras, localimage, debootstrap, yum, zypper, busybox, scratch';
    return [{ code: 'unknown-agent', ...range, severity: 'error', message: `Apptainer has no bootstrap agent "${value}": ${near ? `write ${near}` : `use one of ${list}`}.` }];
  }
  const out: DefinitionDiagnostic[] = [];
  const from = stage.header.find((h) => h.key === 'from');
  if (agent.needsFrom && !from?.value) {
    out.push({ code: 'missing-from', ...range, severity: 'error', message: `The ${value} agent needs From: (the image to start from): add a From: line to this stage.` });
  }
  for (const entry of stage.header) {
    if (entry.key === 'bootstrap' || entry.key === 'stage' || (!HEADER_KEYS[entry.key] && !OTHER_URL.test(entry.key))) continue;
    const taken = OTHER_URL.test(entry.key) ? value === 'zypper' : agent.keys.includes(entry.key);
    if (taken) continue;
    const readers = Object.entries(AGENTS).filter(([, a]) => a.keys.includes(entry.key)).map(([name]) => name);
    out.push({
      code: 'header-key-ignored', ...keyRange(entry, lines), severity: 'warning',
      message: `The ${value} agent ignores ${rawKey(entry, lines)}: remove it${readers.length ? `, or bootstrap with an agent that reads it (${readers.join(', ')})` : ''}.`,
    });
  }
  return out;
}

function checkSections(stage: Stage, lines: string[]): DefinitionDiagnostic[] {
  const out: DefinitionDiagnostic[] = [];
  const seen = new Map<string, Section>();
  stage.sections.forEach((section, index) => {
    const raw = lines[section.line];
    const wordRange = { line: section.line, column: section.column, endLine: section.line, endColumn: section.column + section.word.length };
    const name = section.name.replace(INVISIBLE_CHARS, '');
    if (!SECTIONS.includes(name) && !APP_SECTIONS.includes(name)) {
      out.push(unknownSection(name, wordRange));
      return;
    }
    if (name !== section.name) return; // the invisible character is reported on its own

    // Apptainer's scanner keeps a section line as written and takes the name up to the first space,
    // so indentation (except before a headerless file's first section) or a tab breaks the name.
    const firstOfHeaderless = index === 0 && stage.header.length === 0 && stage.stray.length === 0;
    if (section.column > 0 && !firstOfHeaderless) {
      out.push({
        code: 'indented-section', ...wordRange, severity: 'error',
        message: `Apptainer ends the previous section here but cannot read an indented section name: move ${section.word} to the start of the line.`,
        fix: { title: `Move ${section.word} to the start of the line`, edits: [{ line: section.line, column: 0, endLine: section.line, endColumn: section.column, newText: '' }] },
      });
    }
    const after = raw.slice(wordRange.endColumn);
    const tab = /^[^ ]*?\t/.exec(after);
    if (tab && !/^ /.test(after)) {
      const column = wordRange.endColumn + tab[0].length - 1;
      out.push({
        code: 'tab-after-section', line: section.line, column, endLine: section.line, endColumn: column + 1, severity: 'error',
        message: `Apptainer takes everything up to the first space as the section name: put a space, not a tab, after ${section.word}.`,
        fix: { title: 'Replace the tab with a space', edits: [{ line: section.line, column, endLine: section.line, endColumn: column + 1, newText: ' ' }] },
      });
    }
    if (APP_SECTIONS.includes(name) && !section.app) {
      out.push({ code: 'app-without-name', ...wordRange, severity: 'error', message: `${section.word} needs the app's name: write ${section.word} NAME.` });
    }
    const key = section.app ? `${name} ${section.app}` : name;
    const earlier = seen.get(key);
    if (earlier && SINGLE_PURPOSE.has(name)) {
      out.push({
        code: 'repeated-section', ...wordRange, severity: 'warning',
        message: `Apptainer joins this ${section.word} to the one on line ${earlier.line + 1}: merge the two so it is clear what runs.`,
      });
    }
    if (!earlier) seen.set(key, section);
  });
  return out;
}

function unknownSection(name: string, range: Omit<DefinitionDiagnostic, 'code' | 'severity' | 'message'>): DefinitionDiagnostic {
  if (!name) {
    return { code: 'unknown-section', ...range, severity: 'error', message: 'Apptainer opens a section at any line whose first word starts with %: name the section (such as %post), or start the line with another word.' };
  }
  const near = closest(name, [...SECTIONS, ...APP_SECTIONS]);
  return {
    code: 'unknown-section', ...range, severity: 'error',
    message: `Apptainer has no %${name} section and stops the build: ${near ? `rename it to %${near}` : 'use %post, %environment, %runscript or another section Apptainer knows'}.`,
  };
}

/** `%files from NAME` must name a stage of the same file, as Apptainer looks them up by Stage:. */
function checkStageReferences(def: DefinitionFile): DefinitionDiagnostic[] {
  const names = new Set(def.stages.map((s) => s.name).filter((n): n is string => !!n));
  const out: DefinitionDiagnostic[] = [];
  for (const stage of def.stages) {
    for (const section of stage.sections) {
      const match = /^from\s+(\S+)/i.exec(section.args);
      if (!['files', 'appfiles'].includes(section.name) || !match || isTemplated(match[1]) || names.has(match[1])) continue;
      const raw = def.lines[section.line];
      const column = raw.lastIndexOf(match[1]);
      out.push({
        code: 'unknown-stage', line: section.line, column, endLine: section.line, endColumn: column + match[1].length, severity: 'error',
        message: `No stage of this file is named "${match[1]}": add Stage: ${match[1]} to the stage that builds these files, or fix the name.`,
      });
    }
  }
  return out;
}

function keyRange(entry: Stage['header'][number], lines: string[]) {
  return { line: entry.line, column: entry.column, endLine: entry.line, endColumn: entry.column + rawKey(entry, lines).length };
}

function rawKey(entry: Stage['header'][number], lines: string[]): string {
  const line = lines[entry.line];
  return line.slice(entry.column, line.indexOf(':', entry.column)).trimEnd();
}

/** Applies a fix to definition-file text, as an editor would. */
export function applyDefinitionFix(text: string, fix: DefinitionFix): string {
  const bom = text.startsWith('\ufeff');
  const eol = /\r\n/.test(text) && fix.lineEndings !== 'lf' ? '\r\n' : '\n';
  const lines = (bom ? text.slice(1) : text).split(/\r?\n/);
  const offsets: number[] = [];
  lines.reduce((offset, line, i) => ((offsets[i] = offset), offset + line.length + 1), 0);
  let body = lines.join('\n');
  const at = (line: number, column: number) => offsets[line] + column;
  for (const edit of [...fix.edits].sort((a, b) => at(b.line, b.column) - at(a.line, a.column))) {
    body = body.slice(0, at(edit.line, edit.column)) + edit.newText + body.slice(at(edit.endLine, edit.endColumn));
  }
  return (bom && !fix.removeBom ? '\ufeff' : '') + body.split('\n').join(eol);
}
