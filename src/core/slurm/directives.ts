/**
 * The #SBATCH directives of a batch script, read as sbatch reads them (src/sbatch/opt.c): a line
 * that starts with exactly `#SBATCH` holds options, split at unquoted spaces and cut at an unquoted
 * `#`; reading stops at the first line that is neither blank nor a comment, and `#SBATCH hetjob`
 * starts the next component of a heterogeneous job.
 */

/** One word of a directive, without its quotes, and where it stands (0-based, UTF-16 columns). */
export interface DirectiveWord {
  text: string;
  line: number;
  column: number;
  endColumn: number;
}

export interface Directive {
  line: number;
  words: DirectiveWord[];
  /** `#SBATCH hetjob` (or the older `packjob`): the options after it are the next component's. */
  separator: boolean;
}

/** A line that looks like a directive but that sbatch never reads, and why. */
export interface IgnoredDirective {
  line: number;
  column: number;
  endColumn: number;
  why: 'after-command' | 'indented' | 'case';
}

export interface BatchScript {
  /** The lines without their line endings. */
  lines: string[];
  crlf: boolean;
  /** The directives sbatch reads, in order. */
  directives: Directive[];
  /** 0-based line of the first command, where sbatch stops reading directives. */
  firstCommand?: number;
  ignored: IgnoredDirective[];
}

const MAGIC = '#SBATCH';
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

/** Whether a script has #SBATCH lines (in any case) at all, so that checking it makes sense. */
export function hasDirectives(text: string): boolean {
  return /^[ \t]*#sbatch/im.test(text);
}

/** Reads a batch script's directives; never throws. */
export function parseBatchScript(text: string): BatchScript {
  const crlf = /\r\n/.test(text);
  const lines = text.split(/\r?\n/);
  const directives: Directive[] = [];
  const ignored: IgnoredDirective[] = [];
  let firstCommand: number | undefined;
  let heredoc: { delimiter: string; tabs: boolean } | undefined;
  lines.forEach((line, index) => {
    if (heredoc) {
      // A directive inside a here-document belongs to the script being written, not to this one.
      if ((heredoc.tabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) heredoc = undefined;
      return;
    }
    if (line.startsWith(MAGIC)) {
      if (firstCommand === undefined) directives.push(readDirective(line, index));
      else ignored.push({ line: index, column: 0, endColumn: line.length, why: 'after-command' });
      return;
    }
    const trimmed = line.trimStart();
    if (!trimmed) return;
    if (trimmed.startsWith('#')) {
      const column = line.length - trimmed.length;
      if (firstCommand === undefined && /^#sbatch\b/i.test(trimmed)) {
        ignored.push({ line: index, column, endColumn: line.length, why: column > 0 ? 'indented' : 'case' });
      }
      return;
    }
    if (firstCommand === undefined) firstCommand = index;
    const start = HEREDOC.exec(line.replace(/<<</g, ''));
    if (start) heredoc = { delimiter: start[2], tabs: /<<-/.test(line) };
  });
  return { lines, crlf, directives, ...(firstCommand !== undefined ? { firstCommand } : {}), ignored };
}

function readDirective(line: string, index: number): Directive {
  const words = splitWords(line, MAGIC.length).map((w) => ({ ...w, line: index }));
  const separator = words.length > 0 && /^(hetjob|packjob)$/i.test(words[0].text);
  return { line: index, words, separator };
}

/** sbatch's word splitting: quotes group, a backslash takes the next character as is, `#` ends the line. */
function splitWords(line: string, from: number): Omit<DirectiveWord, 'line'>[] {
  const words: Omit<DirectiveWord, 'line'>[] = [];
  let i = from;
  for (;;) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length || line[i] === '#') return words;
    const column = i;
    let text = '';
    let quote = '';
    let comment = false;
    while (i < line.length && (quote || !/\s/.test(line[i]))) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = '';
        else text += c;
      } else if (c === '\\') {
        i++;
        if (i < line.length && !/\s/.test(line[i])) text += line[i];
        else break;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '#') {
        comment = true;
        break;
      } else {
        text += c;
      }
      i++;
    }
    words.push({ text, column, endColumn: i });
    if (comment) return words;
  }
}
