/**
 * argparse `--help` text → a form schema: groups in order, each option with its flags, metavar,
 * nargs, choices, default, whether it is required, boolean pairs, mutually exclusive groups and
 * positionals. Types are never printed by argparse, so they are guessed and marked as guesses.
 */
import { parseUsage } from './usage';

export type Nargs = 0 | 1 | 2 | 3 | 4 | '?' | '*' | '+' | '...';

export interface FormOption {
  /** The name the value is stored under: `--num-folds` → `num_folds`. */
  dest: string;
  /** Every option string, short and long: `['-a', '--arch']`; empty for positionals. */
  flags: string[];
  positional: boolean;
  /** `flag` is store_true/store_false; `boolean` is a `--x, --no-x` pair; `value` takes values. */
  kind: 'help' | 'flag' | 'boolean' | 'value';
  metavar?: string;
  nargs: Nargs;
  choices?: string[];
  /** The default as argparse printed it, parsed: null for None, lists, numbers, booleans, strings. */
  default?: unknown;
  required: boolean;
  help: string;
  type: { name: 'int' | 'float' | 'bool' | 'str' | 'path'; guessed: boolean };
  /** The `--no-x` of a boolean pair. */
  negative?: string;
}

export interface FormGroup {
  title: string;
  description?: string;
  options: FormOption[];
}

export interface FormSchema {
  prog?: string;
  usage?: string;
  description?: string;
  epilog?: string;
  groups: FormGroup[];
  /** Sets of dests that exclude each other; `required` when one must be given. */
  mutuallyExclusive: { dests: string[]; required: boolean }[];
  /** Lines before the help that a container runtime printed (INFO:, WARNING:). */
  runtimeNoise: string[];
}

// Terminal escapes a help text may carry: CSI (colours, `tput sgr0`'s ESC[m), OSC (hyperlinks),
// character-set selection (ESC ( B) and other two-byte escapes.
// eslint-disable-next-line no-control-regex -- ANSI escapes are what is removed
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()*+][0-9A-Za-z]|[@-Z\\-_c])/g;
const RUNTIME_NOISE = /^(INFO|WARNING|WARN|DEBUG|VERBOSE|ERROR|FATAL)\s*:/;

/** Parses help text; never throws: what it cannot read is left out of the schema. */
export function parseHelp(raw: string): FormSchema {
  const lines = raw.replace(ANSI, '').replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  const schema: FormSchema = { groups: [], mutuallyExclusive: [], runtimeNoise: [] };
  let i = 0;
  // Runtime lines before the help.
  while (i < lines.length && !/^usage:/i.test(lines[i]) && !isHeading(lines[i]) && (RUNTIME_NOISE.test(lines[i]) || lines[i].trim() === '')) {
    if (lines[i].trim()) schema.runtimeNoise.push(lines[i]);
    i++;
  }
  let usage = '';
  if (/^usage:/i.test(lines[i] ?? '')) {
    const usageLines = [lines[i].replace(/^usage:\s*/i, '')];
    i++;
    while (i < lines.length && lines[i].trim() !== '' && /^\s/.test(lines[i])) usageLines.push(lines[i++].trim());
    usage = usageLines.join(' ').replace(/\s+/g, ' ').trim();
    schema.usage = usage;
  }
  const usageInfo = parseUsage(usage);
  schema.prog = usageInfo.prog;

  // Description: paragraphs before the first group heading.
  const description: string[] = [];
  while (i < lines.length && !isHeading(lines[i])) {
    if (!/^\s+-/.test(lines[i])) description.push(lines[i]);
    i++;
  }
  const desc = paragraphs(description);
  if (desc) schema.description = desc;

  // Groups.
  let group: FormGroup | undefined;
  let entry: { invocation: string; help: string[]; indent: number } | undefined;
  const epilog: string[] = [];
  const finishEntry = () => {
    if (entry && group) {
      const option = parseEntry(entry.invocation, entry.help.join(' ').replace(/\s+/g, ' ').trim(), usageInfo.required);
      if (option) group.options.push(option);
    }
    entry = undefined;
  };
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (isHeading(line)) {
      finishEntry();
      group = { title: line.trim().replace(/:$/, ''), options: [] };
      schema.groups.push(group);
      continue;
    }
    if (!group) continue;
    if (line.trim() === '') {
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      // Unindented text after the groups is the epilog.
      finishEntry();
      epilog.push(line);
      continue;
    }
    const text = line.trim();
    const startsEntry = indent <= 6 && (text.startsWith('-') || (/^[A-Za-z_{][\w.{},-]*(\s{2,}|$)/.test(text) && !entry) || (/^[A-Za-z_{][\w.{},-]*\s{2,}/.test(text) && entry !== undefined && indent <= entry.indent));
    if (startsEntry && (!entry || indent <= entry.indent + 1)) {
      finishEntry();
      const split = /^(.*?\S)(?:\s{2,}(.*))?$/.exec(text)!;
      entry = { invocation: split[1], help: split[2] ? [split[2]] : [], indent };
    } else if (entry) {
      entry.help.push(text);
    } else {
      group.description = group.description ? `${group.description} ${text}` : text;
    }
  }
  finishEntry();
  const epi = paragraphs(epilog);
  if (epi) schema.epilog = epi;

  // Mutually exclusive groups from the usage line (boolean pairs are one option, not a group).
  const byFlag = new Map<string, FormOption>();
  for (const o of schema.groups.flatMap((g) => g.options)) for (const f of [...o.flags, ...(o.negative ? [o.negative] : [])]) byFlag.set(f, o);
  for (const m of usageInfo.mutex) {
    const dests = [...new Set(m.flags.map((f) => byFlag.get(f)?.dest ?? f.replace(/^-+/, '').replace(/-/g, '_')))];
    if (dests.length > 1) schema.mutuallyExclusive.push({ dests, required: m.required });
  }
  // Positionals the usage marks optional (`[DIR]`).
  for (const p of usageInfo.positionals) {
    const option = schema.groups.flatMap((g) => g.options).find((o) => o.positional && (o.metavar === p.name || o.dest === p.name));
    if (option && p.optional) {
      option.required = false;
      if (option.nargs === 1) option.nargs = '?';
    }
  }
  return schema;
}

function isHeading(line: string | undefined): boolean {
  return !!line && /^\S.*:$/.test(line) && !/^usage:/i.test(line) && !RUNTIME_NOISE.test(line);
}

function paragraphs(lines: string[]): string | undefined {
  const text = lines.join('\n').trim();
  if (!text) return undefined;
  return text.split(/\n\s*\n/).map((p) => p.split('\n').map((l) => l.trim()).join(' ')).join('\n\n');
}

/** Parses one entry: `-a ARCH, --arch ARCH`, `--x, --no-x`, `--scoring {a,b} [{a,b} ...]`, `DIR`. */
function parseEntry(invocation: string, help: string, required: Set<string>): FormOption | undefined {
  const parts = splitAliases(invocation);
  const flags: string[] = [];
  let valueSpec = '';
  for (const part of parts) {
    const m = /^(-{1,2}[^\s=[]+)(?:[\s=](.*))?$/.exec(part);
    if (m) {
      flags.push(m[1]);
      if (m[2] && !valueSpec) valueSpec = m[2].trim();
    } else if (!flags.length && !valueSpec) valueSpec = part;
  }
  const positional = flags.length === 0;
  if (positional && !valueSpec) return undefined;
  const { nargs, metavar, choices } = readValueSpec(valueSpec, positional);
  const { defaultValue, hasDefault } = readDefault(help);
  const isHelp = flags.includes('-h') || flags.includes('--help');
  const long = flags.find((f) => f.startsWith('--')) ?? flags[0];
  const negative = flags.find((f) => f.startsWith('--no-') && flags.includes(`--${f.slice(5)}`));
  const kind: FormOption['kind'] = isHelp ? 'help' : negative ? 'boolean' : positional || nargs !== 0 ? 'value' : 'flag';
  const dest = positional
    ? choices ? 'command' : (metavar ?? valueSpec).replace(/[^\w]+/g, '_').replace(/^_+|_+$/g, '') || 'arg'
    : (negative ? `--${negative.slice(5)}` : long).replace(/^-+/, '').replace(/[-.]/g, '_');
  const option: FormOption = {
    dest,
    flags: negative ? flags.filter((f) => f !== negative) : flags,
    positional,
    kind,
    nargs: kind === 'flag' || kind === 'boolean' || kind === 'help' ? 0 : nargs,
    required: positional ? nargs !== '?' && nargs !== '*' && nargs !== '...' : flags.some((f) => required.has(f)),
    help: help.replace(/\s*\(default:.*\)\s*$/s, '').trim(),
    type: guessType(kind, metavar, choices, defaultValue, dest, help),
  };
  if (metavar && kind === 'value') option.metavar = metavar;
  if (choices) option.choices = choices;
  if (hasDefault) option.default = defaultValue;
  if (negative) option.negative = negative;
  return option;
}

/** Splits `-a ARCH, --arch ARCH` at the commas that separate aliases (not those inside {...}). */
function splitAliases(invocation: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of invocation) {
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter(Boolean);
}

function readValueSpec(spec: string, positional: boolean): { nargs: Nargs; metavar?: string; choices?: string[] } {
  const s = spec.trim();
  if (!s) return { nargs: 0 };
  if (s === '...') return { nargs: '...', metavar: '...' };
  const choiceMatch = /^\{([^}]*)\}/.exec(s.replace(/^\[/, ''));
  const choices = choiceMatch ? choiceMatch[1].split(',').map((c) => c.trim()).filter(Boolean) : undefined;
  const first = /^\[?([^\s[\]]+)/.exec(s)?.[1];
  const metavar = choices ? undefined : first;
  let nargs: Nargs;
  if (/^\[[^\s]+ \[[^\s]+ \.\.\.\]\]$/.test(s) || /^\[[^\s]+ \.\.\.\]$/.test(s)) nargs = '*';
  else if (/^\S+ \[\S+ \.\.\.\]$/.test(s)) nargs = '+';
  else if (/^\[[^\s]+\]$/.test(s)) nargs = '?';
  else if (/^\[=/.test(s)) nargs = '?';
  else {
    const words = s.split(/\s+/).length;
    nargs = (Math.min(words, 4) as 1 | 2 | 3 | 4);
  }
  if (positional && nargs === 1 && s.startsWith('[')) nargs = '?';
  return { nargs, metavar, choices };
}

function readDefault(help: string): { defaultValue?: unknown; hasDefault: boolean } {
  const m = /\(default:\s*(.*)\)\s*$/s.exec(help);
  if (!m) return { hasDefault: false };
  return { defaultValue: parsePythonValue(m[1].trim()), hasDefault: true };
}

/** A Python repr as argparse prints it: None, True, 3, 0.1, 'x', ['a', 'b'], (1, 2). */
export function parsePythonValue(text: string): unknown {
  if (text === 'None') return null;
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?(\d+\.\d*|\.\d+|\d+)(e-?\d+)?$/i.test(text)) return Number(text);
  const list = /^[[(](.*)[\])]$/s.exec(text);
  if (list) {
    const inner = list[1].trim();
    if (!inner) return [];
    return inner.split(/,\s*/).filter((x) => x !== '').map((x) => parsePythonValue(x.trim()));
  }
  const quoted = /^'(.*)'$|^"(.*)"$/s.exec(text);
  return quoted ? (quoted[1] ?? quoted[2]) : text;
}

function guessType(kind: FormOption['kind'], metavar: string | undefined, choices: string[] | undefined, def: unknown, dest: string, help: string): FormOption['type'] {
  if (kind === 'flag' || kind === 'boolean' || kind === 'help') return { name: 'bool', guessed: false };
  if (choices) return { name: 'str', guessed: false };
  const sample = Array.isArray(def) ? def[0] : def;
  if (typeof sample === 'number') {
    const fractional = !Number.isInteger(sample) || /(^|_)(rate|lr|alpha|beta|ratio|frac|fraction|weight|momentum|eps|epsilon|tol|dropout|decay)(_|$)/i.test(dest);
    return { name: fractional ? 'float' : 'int', guessed: true };
  }
  const name = `${metavar ?? ''} ${dest}`;
  if (/\b(DIR|PATH|FILE)\b|_DIR\b|_PATH\b|_FILE\b|(^|_)(dir|path|file|root)(_|$)/i.test(name) || /\b(directory|path to|file)\b/i.test(help)) return { name: 'path', guessed: true };
  if (/(^|_)(NUM|N|COUNT|SIZE|ITER|ITERATIONS|EPOCHS|SEED|STATE|STEPS|WORKERS|JOBS|FOLDS|REPEATS|VERBOSE|BATCH)(_|$)/i.test(metavar ?? dest)) return { name: 'int', guessed: true };
  if (/(^|_)(LR|RATE|ALPHA|BETA|RATIO|MOMENTUM|EPS|TOL)(_|$)/i.test(metavar ?? dest)) return { name: 'float', guessed: true };
  return { name: 'str', guessed: true };
}
