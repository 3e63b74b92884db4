// Generated argument lists for the quoting property tests: everything a shell treats specially,
// plus any Unicode text (no NUL, which no command line can carry).
import * as fc from 'fast-check';

const special = fc.constantFrom(
  "'", '"', '$', '`', '\\', '*', '?', '[', ']', '{', '}', '~', '!', '#', '&', ';', '|', '<', '>', '(', ')',
  ' ', '\t', '\n', '\r', '-', '--', '-n', '-e', '=', '%', '^', '$(id)', '`id`', '${HOME}', '$1', '*.sif', "'\\''",
  '\u00e9', '\u{1F600}', '\u200b', '\u00a0', '\u202e', '\x1b[31m', '\x7f',
);
const textChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0');
const arg = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.oneof(special, textChar, fc.constantFrom('a', 'Z', '0', '_', '/', '.')), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '-', '--help', '~', '~root', '=x', 'a=b', '!!', '\n') },
);

/** Lists of 0 to 6 arguments. */
export const argLists = fc.array(arg, { maxLength: 6 });

/** A shell script that prints each case's argument count and arguments, NUL-terminated. */
export function roundTripScript(cases: string[][], commandLine: (argv: string[]) => string): string {
  return [`f() { printf '%s\\0' "$#" "$@"; }`, ...cases.map((args) => commandLine(['f', ...args]))].join('\n');
}

/** Splits the script's output back into argument lists. */
export function parseRoundTrip(output: Buffer): string[][] {
  const fields = output.toString('utf8').split('\0');
  fields.pop(); // after the last NUL
  const cases: string[][] = [];
  for (let i = 0; i < fields.length; ) {
    const count = Number(fields[i++]);
    cases.push(fields.slice(i, i + count));
    i += count;
  }
  return cases;
}

/** The first case that did not come back identical, for a readable failure. */
export function firstMismatch(sent: string[][], received: string[][]): string | undefined {
  for (let i = 0; i < Math.max(sent.length, received.length); i++) {
    if (JSON.stringify(sent[i]) !== JSON.stringify(received[i])) {
      return `case ${i}: sent ${JSON.stringify(sent[i])}, got ${JSON.stringify(received[i])}`;
    }
  }
  return undefined;
}
