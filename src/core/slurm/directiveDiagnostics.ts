/**
 * Problems in a batch script's #SBATCH directives that make sbatch refuse the script or quietly
 * ignore an option, each with a one-sentence fix. The rules follow sbatch's own option parsing
 * (getopt_long over the directive words) and the value parsers of --time and --mem; the real job
 * scripts in test/fixtures/slurm/jobscripts must stay free of false alarms.
 */
import { closest } from '../closestWord';
import { TextEdit, TextProblem } from '../textProblem';
import { BatchScript, DirectiveWord, hasDirectives, parseBatchScript } from './directives';
import { findLongOption, findShortOption, SBATCH_OPTIONS, SbatchOption } from './sbatchOptions';
import { isSlurmTime } from './time';

export type DirectiveProblem =
  | 'crlf'
  | 'unknown-option'
  | 'ambiguous-option'
  | 'missing-value'
  | 'unexpected-value'
  | 'not-an-option'
  | 'bad-time'
  | 'bad-memory'
  | 'after-command'
  | 'ignored-directive';

export type DirectiveDiagnostic = TextProblem<DirectiveProblem>;

/** An option as it stands in the script: the words it spans and its value, if it has one. */
interface OptionUse {
  option: SbatchOption;
  /** As written: `--time`, `-t`, or a prefix such as `--part`. */
  spelled: string;
  word: DirectiveWord;
  value?: { text: string; column: number; endColumn: number; line: number };
}

const TIME_OPTIONS = new Set(['time', 'time-min']);
const MEMORY_OPTIONS = new Set(['mem', 'mem-per-cpu', 'mem-per-gpu', 'tmp']);
/** str_to_mbytes: whole megabytes, or K, M, G or T, each optionally followed by B, in any case. */
const MEMORY = /^\d+([KMGT]B?)?$/i;

/** sbatch's time formats, plus `D-` (days only), which it also takes. */
function isTime(text: string): boolean {
  return isSlurmTime(text) || /^\d+-$/.test(text) || text === '-1';
}

/** Every problem of a batch script's directives, in line order; a script without #SBATCH lines has none. */
export function checkDirectives(text: string): DirectiveDiagnostic[] {
  if (!hasDirectives(text)) return [];
  const script = parseBatchScript(text);
  const out: DirectiveDiagnostic[] = [];
  if (script.crlf) {
    out.push({
      code: 'crlf', line: 0, column: 0, endLine: 0, endColumn: script.lines[0].length, severity: 'error',
      message: 'sbatch refuses scripts with Windows (CRLF) line endings ("Batch script contains DOS line breaks"): convert it to LF.',
      fix: { title: 'Convert line endings to LF', edits: [], lineEndings: 'lf' },
    });
  }
  out.push(...ignoredDirectives(script));
  // Each component of a heterogeneous job is parsed on its own, as sbatch does.
  let component: DirectiveWord[] = [];
  for (const directive of script.directives) {
    if (directive.separator) {
      out.push(...checkComponent(component));
      component = [];
    } else {
      component.push(...directive.words);
    }
  }
  out.push(...checkComponent(component));
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function ignoredDirectives(script: BatchScript): DirectiveDiagnostic[] {
  return script.ignored.map((ignored) => {
    const range = { line: ignored.line, column: ignored.column, endLine: ignored.line, endColumn: ignored.endColumn };
    if (ignored.why === 'after-command') {
      const command = (script.firstCommand ?? 0) + 1;
      return { code: 'after-command', ...range, severity: 'warning', message: `sbatch stops reading #SBATCH lines at the first command (line ${command}), so it ignores this one: move it above line ${command}.` };
    }
    const raw = script.lines[ignored.line];
    const word = raw.slice(ignored.column, ignored.column + 7);
    const fixed: TextEdit = { line: ignored.line, column: 0, endLine: ignored.line, endColumn: ignored.column + 7, newText: '#SBATCH' };
    return {
      code: 'ignored-directive', ...range, severity: 'warning',
      message: ignored.why === 'indented'
        ? 'sbatch reads #SBATCH only at the very start of a line, so it ignores this indented one: remove the spaces before it.'
        : `sbatch reads only "#SBATCH" in capitals, so it ignores "${word}": write #SBATCH.`,
      fix: { title: ignored.why === 'indented' ? 'Move #SBATCH to the start of the line' : 'Write #SBATCH', edits: [fixed] },
    };
  });
}

function checkComponent(words: DirectiveWord[]): DirectiveDiagnostic[] {
  const out: DirectiveDiagnostic[] = [];
  const uses: OptionUse[] = [];
  for (let k = 0; k < words.length; k++) {
    const word = words[k];
    const range = { line: word.line, column: word.column, endLine: word.line, endColumn: word.endColumn };
    const next = words[k + 1];
    // getopt takes the next word as the value, even from the next line and even when it is an option.
    const nextIsValue = !!next && !/^--|^-[A-Za-z]/.test(next.text);
    const takeNext = (use: Omit<OptionUse, 'value'>) => {
      if (nextIsValue) {
        uses.push({ ...use, value: { text: next.text, line: next.line, column: next.column, endColumn: next.endColumn } });
      } else {
        out.push(missingValue(use.option, use.spelled, range, next));
      }
      if (next) k++;
    };

    if (word.text.startsWith('--') && word.text.length > 2) {
      const equals = word.text.indexOf('=');
      const name = word.text.slice(2, equals < 0 ? undefined : equals);
      const spelled = `--${name}`;
      const found = findLongOption(name);
      const nameRange = { ...range, endColumn: word.column + spelled.length };
      if (!found) {
        out.push(unknownLong(name, nameRange));
        if (equals < 0 && nextIsValue) k++; // most likely its value, not a second problem
        continue;
      }
      if ('ambiguous' in found) {
        out.push({ code: 'ambiguous-option', ...nameRange, severity: 'error', message: `sbatch cannot tell which option ${spelled} means (${found.ambiguous.map((n) => `--${n}`).join(', ')}): write it in full.` });
        continue;
      }
      const { option } = found;
      if (equals >= 0) {
        const text = word.text.slice(equals + 1);
        if (option.argument === 'flag') {
          out.push({ code: 'unexpected-value', ...range, severity: 'error', message: `--${option.name} takes no value and sbatch refuses "${word.text}": write --${option.name} alone.`, fix: { title: `Write --${option.name}`, edits: [{ ...range, newText: `--${option.name}` }] } });
        } else if (!text && option.argument === 'value') {
          out.push(missingValue(option, spelled, range, undefined));
        } else {
          uses.push({ option, spelled, word, value: { text, line: word.line, column: word.column + equals + 1, endColumn: word.endColumn } });
        }
      } else if (option.argument === 'value') {
        takeNext({ option, spelled, word });
      } else {
        uses.push({ option, spelled, word });
      }
      continue;
    }

    if (word.text.startsWith('-') && word.text.length > 1 && word.text !== '--') {
      for (let j = 1; j < word.text.length; j++) {
        const letter = word.text[j];
        const option = findShortOption(letter);
        if (!option) {
          out.push({ code: 'unknown-option', ...range, severity: 'error', message: `sbatch has no option -${letter}: use a long option such as --time=1:00:00, or see sbatch --help.` });
          if (j === word.text.length - 1 && nextIsValue) k++;
          break;
        }
        if (option.argument === 'flag') continue;
        const rest = word.text.slice(j + 1);
        const spelled = `-${letter}`;
        if (rest || option.argument === 'optional') {
          uses.push({ option, spelled, word, ...(rest ? { value: { text: rest, line: word.line, column: word.column + j + 1, endColumn: word.endColumn } } : {}) });
        } else {
          takeNext({ option, spelled, word });
        }
        break;
      }
      continue;
    }

    out.push(notAnOption(word, range));
  }
  for (const use of uses) {
    const problem = checkValue(use);
    if (problem) out.push(problem);
  }
  return out;
}

function unknownLong(name: string, range: Omit<DirectiveDiagnostic, 'code' | 'severity' | 'message'>): DirectiveDiagnostic {
  const near = closest(name, SBATCH_OPTIONS.map((o) => o.name));
  return {
    code: 'unknown-option', ...range, severity: 'error',
    message: `sbatch has no option --${name} and refuses the script: ${near ? `did you mean --${near}?` : 'see sbatch --help for the options it knows.'}`,
    ...(near ? { fix: { title: `Change to --${near}`, edits: [{ ...range, newText: `--${near}` }] } } : {}),
  };
}

function missingValue(option: SbatchOption, spelled: string, range: Omit<DirectiveDiagnostic, 'code' | 'severity' | 'message'>, next: DirectiveWord | undefined): DirectiveDiagnostic {
  const example = `--${option.name}=${(option.placeholder ?? 'VALUE').toUpperCase()}`;
  const swallowed = next ? `, so sbatch takes the next word ("${next.text}") as its value` : '';
  return { code: 'missing-value', ...range, severity: 'error', message: `${spelled} needs a value${swallowed}: write ${example}, or remove the line.` };
}

function notAnOption(word: DirectiveWord, range: Omit<DirectiveDiagnostic, 'code' | 'severity' | 'message'>): DirectiveDiagnostic {
  const name = /^([a-z][a-z-]*)=/.exec(word.text)?.[1];
  const option = name ? findLongOption(name) : undefined;
  const known = option && 'option' in option && option.option.name === name;
  return {
    code: 'not-an-option', ...range, severity: 'error',
    message: `sbatch refuses the script at "${word.text}" ("Invalid directive found in batch script"): ${known ? `write --${word.text}` : 'options start with - or --, and a value with spaces needs quotes'}.`,
    ...(known ? { fix: { title: `Write --${word.text}`, edits: [{ ...range, endColumn: range.column, newText: '--' }] } } : {}),
  };
}

function checkValue(use: OptionUse): DirectiveDiagnostic | undefined {
  const { option, value } = use;
  if (!value) return undefined;
  const range = { line: value.line, column: value.column, endLine: value.line, endColumn: value.endColumn };
  const variable = /\$/.test(value.text) ? ' (sbatch does not expand shell variables in #SBATCH lines)' : '';
  if (TIME_OPTIONS.has(option.name) && !isTime(value.text)) {
    return { code: 'bad-time', ...range, severity: 'error', message: `"${value.text}" is not a Slurm time${variable}: write minutes (90), HH:MM:SS (1:30:00), D-HH:MM:SS (2-00:00:00) or UNLIMITED.` };
  }
  if (MEMORY_OPTIONS.has(option.name) && !MEMORY.test(value.text)) {
    const decimal = /^(\d+)\.(\d+)([KMGT])/i.exec(value.text);
    const example = decimal ? `, such as ${smallerUnit(decimal)} for ${decimal[0]}` : ' (16G)';
    return { code: 'bad-memory', ...range, severity: 'error', message: `"${value.text}" is not a memory size sbatch reads${variable}: write a whole number of megabytes, or of K, M, G or T${example}.` };
  }
  return undefined;
}

/** 1.5G as 1536M: sbatch takes whole numbers only. */
function smallerUnit([, whole, fraction, unit]: RegExpExecArray): string {
  const units = 'KMGT';
  const index = units.indexOf(unit.toUpperCase());
  const amount = Math.round(Number(`${whole}.${fraction}`) * 1024);
  return index > 0 ? `${amount}${units[index - 1]}` : `${Math.ceil(Number(`${whole}.${fraction}`))}K`;
}

/** The option whose name or letter is at a column of a directive line, for hover. */
export function directiveOptionAt(text: string, line: number, column: number): SbatchOption | undefined {
  const script = parseBatchScript(text);
  const directive = script.directives.find((d) => d.line === line);
  const word = directive?.words.find((w) => column >= w.column && column <= w.endColumn);
  if (!word) return undefined;
  const long = /^--([^=]+)/.exec(word.text);
  if (long) {
    const found = findLongOption(long[1]);
    return found && 'option' in found ? found.option : undefined;
  }
  return /^-[A-Za-z]/.test(word.text) ? findShortOption(word.text[1]) : undefined;
}
