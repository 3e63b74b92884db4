/** A run's results on any host: its cv_results.csv ranked, and the args.yaml and run.json beside it. */
import { parse as parseYaml } from 'yaml';
import { Host, HostError } from '../host/host';
import { RunRecord } from '../runs/outputFolder';
import { CvResults, readCvResults, ReadCvResultsOptions } from './cvResults';

/** What a run folder says about the run's scores. */
export interface RunResults {
  /** The run's output folder. */
  folder: string;
  /** The cv_results.csv that was ranked. */
  file: string;
  scores: CvResults;
  /** args.yaml: the arguments the lab script was run with (`yaml.dump(vars(args))`), when present. */
  args?: Record<string, unknown>;
  /** run.json: the record ReproLab leaves beside a run it started, when present. */
  run?: RunRecord;
  /** Files beside the results that were there but could not be read, one sentence each. */
  warnings: string[];
}

const CHUNK = 1 << 20;

/** A host file as a stream of 1 MiB byte ranges, so a large file on a cluster never sits whole in memory. */
export async function* hostFileChunks(host: Host, path: string, chunkSize = CHUNK): AsyncGenerator<Buffer> {
  for (let offset = 0; ; offset += chunkSize) {
    const chunk = await host.readRange(path, offset, chunkSize);
    if (chunk.length) yield chunk;
    if (chunk.length < chunkSize) return;
  }
}

/** Reads a run folder (its cv_results.csv) or a cv_results.csv itself, with args.yaml and run.json from the same folder. */
export async function readRunResults(host: Host, target: string, options: ReadCvResultsOptions = {}): Promise<RunResults> {
  const isFolder = (await host.stat(target)).isDirectory;
  const folder = isFolder ? target : parentOf(target);
  const file = isFolder ? joinPath(target, 'cv_results.csv') : target;
  if (isFolder) {
    await host.stat(file).catch((err) => {
      if (err instanceof HostError && err.kind === 'not-found') throw new HostError('not-found', `${target} has no cv_results.csv: the run may not have finished, or it wrote its results elsewhere.`, err);
      throw err;
    });
  }
  const scores = await readCvResults(hostFileChunks(host, file), file, options);
  const warnings: string[] = [];
  const args = await readBeside(host, folder, 'args.yaml', warnings, (text) => parseYaml(text));
  const run = await readBeside(host, folder, 'run.json', warnings, (text) => JSON.parse(text));
  return { folder, file, scores, args, run: run as RunRecord | undefined, warnings };
}

/** A small file beside the results, parsed; undefined when it is absent, a warning when it is unreadable. */
async function readBeside(host: Host, folder: string, name: string, warnings: string[], parse: (text: string) => unknown): Promise<Record<string, unknown> | undefined> {
  const path = joinPath(folder, name);
  let text: string;
  try {
    text = (await host.readFile(path)).toString('utf8');
  } catch (err) {
    if (err instanceof HostError && err.kind === 'not-found') return undefined;
    warnings.push(err instanceof Error ? err.message : String(err));
    return undefined;
  }
  try {
    const value = parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    warnings.push(`${path} does not hold a mapping of names to values, so it was left out.`);
  } catch (err) {
    warnings.push(`${path} cannot be parsed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}), so it was left out.`);
  }
  return undefined;
}

/** The JSON that `reprolab scores --json` prints (docs/scores-json.md): keys are only ever added. */
export function scoresJson(results: RunResults): object {
  const { source: _source, ...scores } = results.scores;
  return { folder: results.folder, file: results.file, ...scores, args: results.args ?? null, run: results.run ?? null, warnings: results.warnings };
}

// Paths on a cluster are POSIX whatever this machine is; Node takes '/' on Windows as well.
const joinPath = (folder: string, name: string) => `${folder.replace(/[\\/]+$/, '') || '/'}/${name}`.replace(/^\/\//, '/');
const parentOf = (file: string) => {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return cut < 0 ? '.' : cut === 0 ? '/' : file.slice(0, cut);
};
