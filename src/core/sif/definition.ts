/**
 * Apptainer definition files, parsed by Apptainer's own rules (pkg/build/types/parser/deffile.go):
 * a section starts on any line whose first word begins with `%` (names are lower-cased); everything
 * before the first section is the header of `key: value` lines, cut at the first `#`; a multi-stage
 * file splits into stages at each line that starts, in column 0, with `bootstrap:`, and the text
 * above the first such line is a stage of its own unless it holds only blank and comment lines.
 */

export interface HeaderLine {
  /** Lower-cased, trimmed key, such as `bootstrap` or `from`. */
  key: string;
  /** As Apptainer reads it: cut at the first `#`, trimmed, with `\` continuation lines joined. */
  value: string;
  /** 0-based line in the whole file. */
  line: number;
  /** 0-based column where the key starts. */
  column: number;
  /** 0-based column where the value starts (after the colon and any spaces). */
  valueColumn: number;
}

export interface Section {
  /** Lower-cased name without `%`, such as `post` or `apprun`. */
  name: string;
  /** The rest of the header line: `-c /bin/bash`, `from build`, an app name. */
  args: string;
  /** For app sections: the app's name. */
  app?: string;
  /** The section's lines, joined with `\n`, as written. */
  body: string;
  /** 0-based line of the `%name` line. */
  line: number;
  /** 0-based column of the `%`. */
  column: number;
  /** The first word as written, such as `%Labels`. */
  word: string;
}

export interface Stage {
  header: HeaderLine[];
  sections: Section[];
  /** `Stage:` header, when given. */
  name?: string;
  /** First line of the stage. */
  line: number;
  /** Header lines with no `key:`, which Apptainer refuses ("header key ... had no val"). */
  stray: number[];
}

export interface DefinitionFile {
  stages: Stage[];
  /** The file began with a UTF-8 byte order mark, which Apptainer reads as part of the first line. */
  bom: boolean;
  /** Lines ended with CRLF (a Windows editor); Apptainer strips the CR, older tools do not. */
  crlf: boolean;
  /** The file ends without a newline. */
  noFinalNewline: boolean;
  /** The file's lines without their line endings (and without the BOM), for positions. */
  lines: string[];
}

export const SECTIONS = ['help', 'setup', 'files', 'labels', 'environment', 'pre', 'post', 'runscript', 'test', 'startscript', 'arguments'];
export const APP_SECTIONS = ['appinstall', 'appfiles', 'appenv', 'apphelp', 'applabels', 'apprun', 'appstart', 'apptest'];

// Go's unicode.IsSpace, which bufio.ScanWords uses to find a line's first word.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** The first whitespace-separated word of a line, as Apptainer's scanner finds it. */
export function firstWord(line: string): string {
  return line.split(GO_SPACE).find((w) => w.length > 0) ?? '';
}

/** Parses definition-file text; never throws: odd input gives odd stages, which diagnostics report. */
export function parseDefinition(text: string): DefinitionFile {
  const bom = text.startsWith('\ufeff');
  const body = bom ? text.slice(1) : text;
  const crlf = /\r\n/.test(body);
  const lines = body.split(/\r?\n/);
  const noFinalNewline = body.length > 0 && !/\n$/.test(body);
  if (!noFinalNewline && lines[lines.length - 1] === '') lines.pop();

  const starts = lines.map((l, i) => (/^bootstrap:/i.test(l) ? i : -1)).filter((i) => i > 0);
  // Apptainer skips a leading chunk that parses to nothing, so comments above the first stage join it.
  const leadingIsEmpty = starts.length > 0 && lines.slice(0, starts[0]).every((l) => !l.trim() || l.trim().startsWith('#'));
  const boundaries = [0, ...(leadingIsEmpty ? starts.slice(1) : starts)];
  const stages = boundaries.map((start, i) => parseStage(lines, start, boundaries[i + 1] ?? lines.length));
  return { stages, bom, crlf, noFinalNewline, lines };
}

function parseStage(lines: string[], start: number, end: number): Stage {
  const header: HeaderLine[] = [];
  const sections: Section[] = [];
  const stray: number[] = [];
  let current: { section: Section; body: string[] } | undefined;
  let continued: HeaderLine | undefined;
  const close = () => {
    if (current) sections.push({ ...current.section, body: current.body.join('\n') });
  };
  for (let i = start; i < end; i++) {
    const line = lines[i];
    const word = firstWord(line);
    if (word.startsWith('%')) {
      close();
      const name = word.slice(1).toLowerCase();
      const column = line.indexOf(word);
      const args = line.slice(column + word.length).trim();
      const section: Section = { name, args, body: '', line: i, column, word };
      if (APP_SECTIONS.includes(name)) section.app = args.split(/\s+/)[0] || undefined;
      current = { section, body: [] };
      continue;
    }
    if (current) {
      current.body.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) {
      continued = undefined;
      continue;
    }
    const uncommented = trimmed.split('#')[0];
    if (continued) {
      continued.value += uncommented.trim();
      if (!endContinuation(continued)) continued = undefined;
      continue;
    }
    const colon = uncommented.indexOf(':');
    if (colon < 0) {
      stray.push(i);
      continue;
    }
    const column = line.length - line.trimStart().length;
    const rawColon = line.indexOf(':', column);
    const valueColumn = rawColon + 1 + (line.slice(rawColon + 1).length - line.slice(rawColon + 1).trimStart().length);
    const entry: HeaderLine = { key: uncommented.slice(0, colon).trim().toLowerCase(), value: uncommented.slice(colon + 1).trim(), line: i, column, valueColumn };
    header.push(entry);
    if (endContinuation(entry)) continued = entry;
  }
  close();
  const stageName = header.find((h) => h.key === 'stage')?.value;
  return { header, sections, name: stageName || undefined, line: start, stray };
}

/** Drops a trailing `\` (Apptainer's header line continuation) and says whether there was one. */
function endContinuation(entry: HeaderLine): boolean {
  if (!entry.value.endsWith('\\')) return false;
  entry.value = entry.value.slice(0, -1);
  return true;
}

/** The value of a header key in a stage (keys are case-insensitive). */
export function headerValue(stage: Stage, key: string): string | undefined {
  return stage.header.find((h) => h.key === key.toLowerCase())?.value;
}

/** `%labels` as Apptainer reads them: each non-blank, non-comment line split at its first space. */
export function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const space = line.search(/\s/);
    if (space < 0) labels[line] = '';
    else labels[line.slice(0, space)] = line.slice(space).trim();
  }
  return labels;
}

/** `%files` lines as Apptainer reads them: source and optional destination, double quotes honoured. */
export function parseFiles(body: string): { source: string; destination?: string; line: number }[] {
  const out: { source: string; destination?: string; line: number }[] = [];
  body.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
    out.push({ source: words[0], destination: words[1], line: index });
  });
  return out;
}
