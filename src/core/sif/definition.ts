/**
 * Apptainer definition files, parsed by Apptainer's own rules: a section starts on any line whose
 * first word begins with `%` (indentation does not matter, names are lower-cased); everything
 * before the first section is the header of `key: value` lines; a multi-stage file splits into
 * stages at each line that starts, in column 0, with `bootstrap:`.
 */

export interface HeaderLine {
  /** Lower-cased, trimmed key, such as `bootstrap` or `from`. */
  key: string;
  /** As written, with a trailing ` # comment` removed. */
  value: string;
  /** 0-based line in the whole file. */
  line: number;
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
}

export interface Stage {
  header: HeaderLine[];
  sections: Section[];
  /** `Stage:` header, when given. */
  name?: string;
  /** First line of the stage. */
  line: number;
}

export interface DefinitionFile {
  stages: Stage[];
  /** The file began with a UTF-8 byte order mark (Apptainer tolerates it; some tools do not). */
  bom: boolean;
  /** Lines ended with CRLF (a Windows editor); Apptainer reads them but shell scripts break. */
  crlf: boolean;
  /** The file ends without a newline. */
  noFinalNewline: boolean;
}

export const SECTIONS = ['help', 'setup', 'files', 'labels', 'environment', 'pre', 'post', 'runscript', 'test', 'startscript', 'arguments'];
export const APP_SECTIONS = ['appinstall', 'appfiles', 'appenv', 'apphelp', 'applabels', 'apprun', 'appstart', 'apptest'];

/** Parses definition-file text; never throws: odd input gives odd stages, which diagnostics report. */
export function parseDefinition(text: string): DefinitionFile {
  const bom = text.startsWith('\ufeff');
  const body = bom ? text.slice(1) : text;
  const crlf = /\r\n/.test(body);
  const lines = body.split(/\r?\n/);
  const noFinalNewline = body.length > 0 && !/\n$/.test(body);
  if (!noFinalNewline && lines[lines.length - 1] === '') lines.pop();

  // Stage boundaries: every `bootstrap:` at column 0 after the first starts a new stage.
  const starts = lines.map((l, i) => (/^bootstrap\s*:/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const boundaries = starts.length > 1 ? [0, ...starts.slice(1)] : [0];
  const stages = boundaries.map((start, i) => parseStage(lines, start, boundaries[i + 1] ?? lines.length));
  return { stages, bom, crlf, noFinalNewline };
}

function parseStage(lines: string[], start: number, end: number): Stage {
  const header: HeaderLine[] = [];
  const sections: Section[] = [];
  let current: { section: Section; body: string[] } | undefined;
  const close = () => {
    if (current) sections.push({ ...current.section, body: current.body.join('\n') });
  };
  for (let i = start; i < end; i++) {
    const line = lines[i];
    const firstWord = line.trim().split(/\s+/)[0] ?? '';
    if (firstWord.startsWith('%') && firstWord.length > 1) {
      close();
      const name = firstWord.slice(1).toLowerCase();
      const args = line.trim().slice(firstWord.length).trim();
      const section: Section = { name, args, body: '', line: i };
      if (APP_SECTIONS.includes(name)) section.app = args.split(/\s+/)[0] || undefined;
      current = { section, body: [] };
      continue;
    }
    if (current) {
      current.body.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) continue; // legacy keyword lines and stray text are not header lines
    const key = trimmed.slice(0, colon).trim().toLowerCase();
    const value = trimmed.slice(colon + 1).replace(/\s+#.*$/, '').trim();
    header.push({ key, value, line: i });
  }
  close();
  const stageName = header.find((h) => h.key === 'stage')?.value;
  return { header, sections, name: stageName || undefined, line: start };
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
