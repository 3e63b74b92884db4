import { version } from '../package.json';
import { fileByteSource } from './core/sif/byteSource';
import { helpArgv } from './core/apptainer/commands';
import { probeApptainer } from './core/apptainer/probe';
import { parseHelp } from './core/argparse/help';
import { LocalHost } from './core/host/local';
import { jobLogs, listJobs, submitConfig } from './cliJobs';
import { readRunResults, scoresJson } from './core/results/runResults';
import { formatTopScores } from './core/results/topScores';
import { describeInspection } from './core/sif/describe';
import { inspectionJson, inspectSif } from './core/sif/inspect';
import { SifError } from './core/sif/sif';

/** Where a subcommand writes; the real process streams, or buffers in tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface Subcommand {
  summary: string;
  usage: string;
  run: (args: string[], io: CliIo) => Promise<number> | number;
}

/** Thrown for a call whose words are off; the CLI prints the usage line and exits 2. */
export class UsageError extends Error {}

const subcommands: Record<string, Subcommand> = {
  form: {
    summary: "the run form an image's --help describes, from the image or a saved help text",
    usage: 'reprolab form (IMAGE | --help-file FILE) [--json]',
    run: (args, io) => formCommand(args, io),
  },
  scores: {
    summary: "the top cross-validation scores of a run, as the seed lab's get_top_score.py prints them",
    usage: 'reprolab scores (DIR | FILE) [--top N] [--json]',
    run: (args, io) => scoresCommand(args, io),
  },
  submit: {
    summary: 'submit a run configuration to Slurm on this machine (a seed sweep with --seeds)',
    usage: 'reprolab submit CONFIG.yaml [--seeds 0-4]',
    run: (args, io) => {
      const { positionals, values } = parseArgs(args, [], ['--seeds']);
      if (positionals.length !== 1) throw new UsageError('submit takes one run configuration');
      return submitConfig(new LocalHost(), positionals[0], values.get('--seeds'), version, io);
    },
  },
  jobs: {
    summary: "your Slurm jobs in the queue, one call to squeue",
    usage: 'reprolab jobs [--json]',
    run: (args, io) => {
      const { positionals, flags } = parseArgs(args, ['--json']);
      if (positionals.length) throw new UsageError('jobs takes no arguments');
      return listJobs(new LocalHost(), flags.has('--json'), io);
    },
  },
  logs: {
    summary: "a Slurm job's log; with --follow, new lines as they are written until the job ends",
    usage: 'reprolab logs JOBID [--follow]',
    run: (args, io) => {
      const { positionals, flags } = parseArgs(args, ['--follow', '-f']);
      if (positionals.length !== 1) throw new UsageError('logs takes one job id');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      return jobLogs(new LocalHost(), positionals[0], flags.has('--follow') || flags.has('-f'), io, stop.signal);
    },
  },
  sif: {
    summary: 'inspect a SIF image: header, objects and metadata, without Apptainer',
    usage: 'reprolab sif inspect FILE [--json]',
    run: (args, io) => sifCommand(args, io),
  },
  help: {
    summary: 'show this help, or the help of one command',
    usage: 'reprolab help [COMMAND]',
    run: (args, io) => {
      if (args.length > 1) throw new UsageError('help takes at most one command name');
      if (args[0]) {
        const sub = Object.prototype.hasOwnProperty.call(subcommands, args[0]) ? subcommands[args[0]] : undefined;
        if (!sub) throw new UsageError(`unknown command '${args[0]}'`);
        io.out(`usage: ${sub.usage}\n\n${sub.summary}\n`);
      } else {
        io.out(mainHelp());
      }
      return 0;
    },
  },
  version: {
    summary: 'print the ReproLab version',
    usage: 'reprolab version',
    run: (args, io) => {
      if (args.length) throw new UsageError('version takes no arguments');
      io.out(`${version}\n`);
      return 0;
    },
  },
};

/**
 * Splits `args` into positionals, the flags named in `flags` and the options in `valued` that take
 * a value (`--top 3` or `--top=3`); any other `-x` is a usage error.
 */
function parseArgs(args: string[], flags: string[], valued: string[] = []): { positionals: string[]; flags: Set<string>; values: Map<string, string> } {
  const positionals: string[] = [];
  const seen = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      values.set(name, value);
    } else if (arg.startsWith('-') && arg !== '-') {
      if (!flags.includes(arg)) throw new UsageError(`unknown option '${arg}'`);
      seen.add(arg);
    } else positionals.push(arg);
  }
  return { positionals, flags: seen, values };
}

async function sifCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'inspect') throw new UsageError(verb ? `unknown sif command '${verb}'` : 'sif needs a command: inspect');
  const { positionals, flags } = parseArgs(rest, ['--json']);
  if (positionals.length !== 1) throw new UsageError('sif inspect takes one image file');
  const file = positionals[0];
  // A missing file, a folder, a pipe or a file we may not read each get one sentence from the host layer.
  const source = await fileByteSource(file);
  try {
    const inspection = await inspectSif(source, file);
    io.out(flags.has('--json') ? `${JSON.stringify(inspectionJson(file, inspection), null, 2)}\n` : describeInspection(inspection));
    return 0;
  } catch (err) {
    if (err instanceof SifError) throw new Error(err.message);
    throw err;
  } finally {
    await source.close();
  }
}

async function scoresCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals, flags, values } = parseArgs(args, ['--json'], ['--top']);
  const value = values.get('--top') ?? '5';
  const top = Number(value);
  if (!/^\d+$/.test(value) || top < 1) throw new UsageError('--top needs a whole number of at least 1');
  if (positionals.length !== 1) throw new UsageError('scores takes one run folder or cv_results.csv');
  const results = await readRunResults(new LocalHost(), positionals[0], { top });
  for (const warning of results.warnings) io.err(`reprolab: ${warning}\n`);
  io.out(flags.has('--json') ? `${JSON.stringify(scoresJson(results), null, 2)}\n` : formatTopScores(results.scores));
  return 0;
}

async function formCommand(args: string[], io: CliIo): Promise<number> {
  const helpFile = args.indexOf('--help-file');
  let text: string;
  let rest = args;
  if (helpFile >= 0) {
    const file = args[helpFile + 1];
    if (!file) throw new UsageError('--help-file needs a file');
    rest = [...args.slice(0, helpFile), ...args.slice(helpFile + 2)];
    text = (await new LocalHost().readFile(file)).toString('utf8');
  } else {
    text = '';
  }
  const { positionals, flags } = parseArgs(rest, ['--json']);
  if (helpFile < 0) {
    if (positionals.length !== 1) throw new UsageError('form takes an image, or --help-file FILE');
    const host = new LocalHost();
    const apptainer = await probeApptainer(host);
    const result = await host.exec(helpArgv(apptainer.binary, positionals[0]), { env: { COLUMNS: '200' }, timeoutMs: 120000 });
    // argparse prints help on stdout; what Apptainer says goes to stderr and stays out of the form.
    if (!result.stdout.trim()) throw new Error(`${positionals[0]} printed no help on stdout (exit ${result.code}): ${result.stderr.trim().split('\n').pop() ?? ''}`);
    text = result.stdout;
  } else if (positionals.length) throw new UsageError('form takes an image, or --help-file FILE, not both');
  const schema = parseHelp(text);
  if (!schema.groups.some((g) => g.options.some((o) => o.kind !== 'help'))) {
    throw new Error(`${helpFile >= 0 ? args[helpFile + 1] : `${positionals[0]}'s --help`} lists no options ReproLab can read, so there is no form: give the text that the entry point prints for --help.`);
  }
  if (flags.has('--json')) io.out(`${JSON.stringify(schema, null, 2)}\n`);
  else {
    for (const group of schema.groups.filter((g) => g.options.some((o) => o.kind !== 'help'))) {
      io.out(`${group.title}:\n`);
      for (const o of group.options) {
        if (o.kind === 'help') continue;
        const name = o.positional ? o.dest : [...o.flags, ...(o.negative ? [o.negative] : [])].join(', ');
        const facts = [o.required ? 'required' : '', o.kind === 'value' ? `${o.type.name}${o.type.guessed ? '?' : ''}` : o.kind, o.nargs !== 0 && o.nargs !== 1 ? `nargs ${o.nargs}` : '', o.choices ? `one of ${o.choices.join(', ')}` : '', 'default' in o ? `default ${JSON.stringify(o.default)}` : ''].filter(Boolean);
        io.out(`  ${name}  (${facts.join('; ')})\n`);
      }
    }
  }
  return 0;
}

const USAGE = 'usage: reprolab <command> [options]   (reprolab --help lists the commands)';

function mainHelp(): string {
  const width = Math.max(...Object.keys(subcommands).map((name) => name.length));
  const lines = Object.entries(subcommands).map(([name, sub]) => `  ${name.padEnd(width)}  ${sub.summary}`);
  return `ReproLab ${version}: the headless side of the ReproLab VS Code extension.\n\n${USAGE}\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Runs one CLI invocation and returns its exit code: 0 done, 1 failed, 2 bad usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  if (first === '--help' || first === '-h') {
    io.out(mainHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') return subcommands.version.run([], io);
  const sub = Object.prototype.hasOwnProperty.call(subcommands, first) ? subcommands[first] : undefined;
  try {
    if (!sub) throw new UsageError(`unknown command '${first}'`);
    if (rest.includes('--help') || rest.includes('-h')) return subcommands.help.run([first], io);
    return await sub.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`reprolab: ${err.message}\n${sub ? `usage: ${sub.usage}` : USAGE}\n`);
      return 2;
    }
    io.err(`reprolab: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `reprolab ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
