/**
 * POSIX `sh` quoting: the one way any command line is built in ReproLab. Every argument is
 * single-quoted unless it is made only of characters no shell treats specially, so nothing a user
 * typed can expand, glob, split or run.
 */

/** Thrown when an argument cannot be passed through a shell at all. */
export class ShellQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellQuoteError';
  }
}

// Characters that mean nothing to sh, bash, dash, ksh or zsh in any position of a word.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new ShellQuoteError(`argument ${JSON.stringify(arg.slice(0, 40))} contains a NUL byte, which no command line can carry: remove it`);
  }
  if (!arg.isWellFormed()) {
    throw new ShellQuoteError(`argument ${JSON.stringify(arg.slice(0, 40))} contains a lone UTF-16 surrogate, which cannot be sent as UTF-8: fix the text`);
  }
  if (arg === '') return "''";
  // `=` is safe except at the start of a zsh word (=cmd expands to its path).
  if (SAFE.test(arg) && !arg.startsWith('=')) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Turns an argv into one `sh` command line whose words are exactly argv. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new ShellQuoteError('cannot build a command line from an empty argument list');
  // In command position `a=b` would be an assignment and `%1` a job: quote them so they stay words.
  const words = argv.map(quoteArg);
  if (/[=%]/.test(argv[0]) && !words[0].startsWith("'")) words[0] = `'${argv[0]}'`;
  return words.join(' ');
}

/** `NAME=value` assignments, quoted, for prefixing a command line. */
export function envAssignments(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShellQuoteError(`${JSON.stringify(name)} is not a valid environment variable name`);
      return `${name}=${quoteArg(value)}`;
    })
    .join(' ');
}
