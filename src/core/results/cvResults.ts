/**
 * scikit-learn search results (`cv_results_` saved with pandas `to_csv`), read as a stream: each
 * metric keeps its top candidates while the rest of the file passes by, so a file of any size,
 * local or streamed from a cluster, costs memory for the top N only.
 */
import { CsvError, parse } from 'csv-parse';
import { pipeline, Readable } from 'stream';
import { HostError } from '../host/host';
import { compareKeys, TopCandidates } from './topCandidates';

/** The bytes of a cv_results.csv as they arrive: a Node Readable, a host's byte ranges, or test chunks. */
export type CsvChunks = AsyncIterable<Buffer | Uint8Array | string>;

/** Which way a metric improves. */
export type Better = 'higher' | 'lower';

/** One candidate of the search (one row of the file), as one metric ranks it. */
export interface Candidate {
  /** The row's position among the file's data rows, from 1. */
  row: number;
  /** scikit-learn's rank (ties share the lowest, "min"), or one computed from the means; null when the cell is empty. */
  rank: number | null;
  /** null for a failed fit. */
  mean: number | null;
  std: number | null;
  /** This metric's split0, split1, ... test scores. */
  splits: (number | null)[];
  /** Each `param_*` column without its prefix, as written (Python reprs: `(50, 50)`, `None`, `{0: 3.69}`); empty cells, parameters that do not apply to this candidate, are left out. */
  params: Record<string, string>;
  /** The `params` column as written (a Python dict repr), or null when the file has none. */
  paramsText: string | null;
  meanFitTime: number | null;
  stdFitTime: number | null;
  meanScoreTime: number | null;
  stdScoreTime: number | null;
  /** Successive halving only: the iteration and the resources it used. */
  iter: number | null;
  nResources: number | null;
}

/** The top candidates of one metric. */
export interface MetricScores {
  /** `accuracy` for `mean_test_accuracy`; `score` for the plain `mean_test_score` of a single-metric search. */
  name: string;
  /** From the ranks when they tell (scikit-learn: always higher, neg_ scorers included), else from the name (MAPE, RMSE: lower). */
  better: Better;
  /** 'rank' when the file has `rank_test_<name>`; 'mean' when ReproLab ranked the means itself. */
  rankedBy: 'rank' | 'mean';
  /** Rows with no mean for this metric: fits that failed (error_score=nan). They rank last. */
  failedFits: number;
  /** Best first; ties keep the file's order. */
  top: Candidate[];
}

/** What a cv_results.csv says, reduced to the top candidates of each metric. */
export interface CvResults {
  /** The file's name as given, for messages. */
  source: string;
  delimiter: string;
  /** Data rows: every candidate the search tried (once per iteration in a halving search). */
  rows: number;
  /** A successive-halving search (`iter` and `n_resources` columns). */
  halving: boolean;
  metrics: MetricScores[];
}

export interface ReadCvResultsOptions {
  /** Candidates kept per metric; 5 when not given. */
  top?: number;
  signal?: AbortSignal;
  /** Called every 1,000 rows with the rows read and the candidates held in memory (never more than top per metric). */
  onProgress?: (progress: { rows: number; held: number }) => void;
}

/** A file that cannot be read as search results; the message says why, in one sentence. */
export class CvResultsError extends Error {
  override name = 'CvResultsError';
}

const MAX_HEADER_BYTES = 1 << 20;
const MAX_RECORD_BYTES = 16 << 20;
const PROGRESS_EVERY = 1000;
// Greykite and hand-made tables name error metrics plainly; scikit-learn negates its own as neg_*.
const ERROR_METRIC = /(^|_)(mape|smape|mae|mse|rmse|rmsle|msle|mad|medae|error|loss)(_|$)/i;

/** Streams a cv_results.csv and returns the top candidates of each metric it scores. */
export async function readCvResults(chunks: CsvChunks, source: string, options: ReadCvResultsOptions = {}): Promise<CvResults> {
  const top = options.top ?? 5;
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`top must be a whole number of at least 1, not ${top}`);
  let ranking: Ranking | undefined;
  let delimiter = ',';
  for await (const record of csvRecords(chunks, source, options.signal, (d) => (delimiter = d))) {
    if (!ranking) ranking = new Ranking(columnsOf(record, source), top);
    else if (ranking.add(record) % PROGRESS_EVERY === 0) options.onProgress?.({ rows: ranking.rows, held: ranking.held() });
  }
  if (!ranking) throw new CvResultsError(`${source} is empty: it holds no header, so it is not the cv_results.csv of a search.`);
  return { source, delimiter, rows: ranking.rows, halving: ranking.columns.iter !== undefined && ranking.columns.nResources !== undefined, metrics: ranking.finish() };
}

/** The records of a CSV as they stream in, header first, with its delimiter told from the header line; malformed CSV is one sentence with its line. */
export async function* csvRecords(chunks: CsvChunks, source: string, signal?: AbortSignal, onDelimiter?: (delimiter: string) => void): AsyncGenerator<string[]> {
  const { delimiter, width, bytes } = await withDelimiter(chunks, source, signal);
  onDelimiter?.(delimiter);
  // No row of a search's results comes near MAX_RECORD_BYTES; a larger one is not a cv_results.csv, and stops the read early.
  const parser = parse({ delimiter, bom: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
  pipeline(Readable.from(bytes, { objectMode: false }), parser, () => undefined); // failures surface through the parser below
  try {
    yield* parser as AsyncIterable<string[]>;
  } catch (err) {
    throw err instanceof CsvError ? csvFailure(err, source, width) : err;
  }
}

/** Reads up to the end of the header line to tell the delimiter (pandas `sep=';'` exists), then replays those bytes before the rest. */
async function withDelimiter(chunks: CsvChunks, source: string, signal?: AbortSignal): Promise<{ delimiter: string; width: number; bytes: AsyncGenerator<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let ended = false;
  for (let size = 0; size < MAX_HEADER_BYTES; ) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    size += chunk.length;
    if (chunk.includes(0x0a)) break;
  }
  const text = Buffer.concat(head).toString('latin1');
  const newline = text.indexOf('\n');
  if (newline < 0 && !ended) throw new CvResultsError(`${source} has no line break in its first ${MAX_HEADER_BYTES >> 20} MiB, so it has no header a search writes: it is not a cv_results.csv; pick the file the search wrote.`);
  const line = newline < 0 ? text : text.slice(0, newline);
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  async function* bytes(): AsyncGenerator<Buffer> {
    const check = () => {
      if (signal?.aborted) throw new HostError('cancelled', `Reading ${source} was cancelled.`);
    };
    try {
      for (const chunk of head) {
        check();
        yield chunk;
      }
      for (let next = ended ? undefined : await iterator.next(); next && !next.done; next = await iterator.next()) {
        check();
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    } finally {
      await iterator.return?.();
    }
  }
  // pandas never quotes a delimiter inside a column name, so the header's width is a plain count.
  return { delimiter: best[1] > 0 ? best[0] : ',', width: best[1] + 1, bytes: bytes() };
}

/** Where each column the ranking needs sits in a record. */
interface Columns {
  metrics: MetricColumns[];
  params: [name: string, index: number][];
  paramsText?: number;
  meanFitTime?: number;
  stdFitTime?: number;
  meanScoreTime?: number;
  stdScoreTime?: number;
  iter?: number;
  nResources?: number;
}

interface MetricColumns {
  name: string;
  mean: number;
  std?: number;
  rank?: number;
  splits: number[];
  /** Greykite's `split_test_<name>`: every split in one `(a, b, c)` cell. */
  packedSplits?: number;
}

function columnsOf(header: string[], source: string): Columns {
  // One pass over the header: a file with thousands of columns costs no more than reading it.
  const index = new Map<string, number>();
  header.forEach((c, i) => { if (!index.has(c)) index.set(c, i); });
  const at = (name: string) => index.get(name);
  const names = header.filter((c) => c.startsWith('mean_test_')).map((c) => c.slice('mean_test_'.length));
  if (!names.length) throw new CvResultsError(`${source} has no mean_test_* columns: it is not a scikit-learn search result (cv_results_), so pick the cv_results.csv a search wrote.`);
  const splitsOf = new Map<string, { split: number; index: number }[]>();
  header.forEach((c, i) => {
    const k = /^split(\d+)_test_(.+)$/.exec(c);
    if (!k) return;
    const list = splitsOf.get(k[2]) ?? [];
    list.push({ split: Number(k[1]), index: i });
    splitsOf.set(k[2], list);
  });
  // A hand-added mean_test_RMSE beside scikit-learn's ranked metrics is not a metric the search ranked.
  const ranked = names.filter((name) => at(`rank_test_${name}`) !== undefined);
  const metrics = (ranked.length ? ranked : names).map((name) => ({
    name,
    mean: at(`mean_test_${name}`)!,
    std: at(`std_test_${name}`),
    rank: at(`rank_test_${name}`),
    splits: (splitsOf.get(name) ?? []).sort((a, b) => a.split - b.split).map((s) => s.index),
    packedSplits: at(`split_test_${name}`),
  }));
  return {
    metrics,
    params: header.flatMap((c, index) => (c.startsWith('param_') ? [[c.slice('param_'.length), index] as [string, number]] : [])),
    paramsText: at('params'),
    meanFitTime: at('mean_fit_time'),
    stdFitTime: at('std_fit_time'),
    meanScoreTime: at('mean_score_time'),
    stdScoreTime: at('std_score_time'),
    iter: at('iter'),
    nResources: at('n_resources'),
  };
}

/** Every metric's top candidates, fed one record at a time. */
class Ranking {
  rows = 0;
  private readonly metrics: MetricRanking[];

  constructor(
    readonly columns: Columns,
    top: number,
  ) {
    this.metrics = columns.metrics.map((m) => new MetricRanking(m, columns, top));
  }

  add(record: string[]): number {
    this.rows++;
    for (const metric of this.metrics) metric.add(record, this.rows);
    return this.rows;
  }

  held(): number {
    return this.metrics.reduce((sum, m) => sum + m.top.size, 0);
  }

  finish(): MetricScores[] {
    return this.metrics.map((m) => m.finish());
  }
}

class MetricRanking {
  readonly top: TopCandidates<Candidate>;
  private failedFits = 0;
  // How often a better rank came with a higher mean (+1) or a lower one (-1), row after row.
  private votes = 0;
  private previous?: { rank: number; mean: number };
  private readonly byName: Better;

  constructor(
    private readonly metric: MetricColumns,
    private readonly columns: Columns,
    top: number,
  ) {
    this.top = new TopCandidates(top);
    this.byName = !/^neg_/i.test(metric.name) && ERROR_METRIC.test(metric.name) ? 'lower' : 'higher';
  }

  add(record: string[], row: number): void {
    const mean = parseNumber(record[this.metric.mean]);
    const failed = mean === null || !Number.isFinite(mean);
    if (failed) this.failedFits++;
    const rank = this.metric.rank === undefined ? null : parseNumber(record[this.metric.rank]);
    if (!failed && rank !== null) {
      if (this.previous) this.votes += Math.sign(this.previous.rank - rank) * Math.sign(mean - this.previous.mean);
      this.previous = { rank, mean };
    }
    // Smaller keys are better: failed fits last, then the file's rank, or the mean turned so that smaller is better.
    const key = [failed ? 1 : 0, this.metric.rank !== undefined ? (rank ?? Infinity) : failed ? 0 : this.byName === 'higher' ? -mean : mean];
    if (this.top.accepts(key)) this.top.insert(key, this.candidate(record, row, rank, mean));
  }

  finish(): MetricScores {
    const ranked = this.top.ranked();
    const rankedBy = this.metric.rank === undefined ? 'mean' : 'rank';
    // Every row better than a kept one is kept too, so "min" ranks can be counted among the kept.
    if (rankedBy === 'mean') ranked.forEach(({ key, item }, i) => (item.rank = i > 0 && compareKeys(ranked[i - 1].key, key) === 0 ? ranked[i - 1].item.rank : i + 1));
    return {
      name: this.metric.name,
      better: this.votes ? (this.votes > 0 ? 'higher' : 'lower') : this.byName,
      rankedBy,
      failedFits: this.failedFits,
      top: ranked.map(({ item }) => item),
    };
  }

  private candidate(record: string[], row: number, rank: number | null, mean: number | null): Candidate {
    const cell = (index?: number) => (index === undefined ? null : parseNumber(record[index]));
    const { metric, columns } = this;
    return {
      row,
      rank,
      mean,
      std: cell(metric.std),
      splits: metric.splits.length || metric.packedSplits === undefined ? metric.splits.map((i) => parseNumber(record[i])) : parsePacked(record[metric.packedSplits]),
      params: Object.fromEntries(columns.params.filter(([, i]) => record[i] !== '').map(([name, i]) => [name, record[i]])),
      paramsText: columns.paramsText === undefined ? null : record[columns.paramsText],
      meanFitTime: cell(columns.meanFitTime),
      stdFitTime: cell(columns.stdFitTime),
      meanScoreTime: cell(columns.meanScoreTime),
      stdScoreTime: cell(columns.stdScoreTime),
      iter: cell(columns.iter),
      nResources: cell(columns.nResources),
    };
  }
}

/** A number as pandas or a spreadsheet writes it (`3.11E-05`, `637.0`, `inf`); empty and `nan` cells are null. */
function parseNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  // Decimal notation only: Number() would also take 0x10, 0b1 and 0o7, which pandas reads as text.
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return /^[+-]?inf(inity)?$/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : null;
}

/** `(5.01, 8.53, 8.39)` or `[...]`: splits packed into one cell. */
function parsePacked(text: string): (number | null)[] {
  const inner = text.trim().replace(/^[([]|[)\]]$/g, '');
  return inner.split(',').filter((part) => part.trim() !== '').map(parseNumber);
}

function csvFailure(err: CsvError, source: string, width: number): CvResultsError {
  const record = err.record as unknown[] | undefined;
  if (err.code === 'CSV_MAX_RECORD_SIZE') return new CvResultsError(`${source} has a row of more than ${MAX_RECORD_BYTES >> 20} MiB at line ${err.lines}, which no search writes: it is not a cv_results.csv, or it is damaged; pick the file the search wrote.`);
  const what =
    err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
      ? `a row has ${record?.length ?? 'a different number of'} fields where the header has ${width}`
      : err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed'
        : 'a quote is out of place';
  return new CvResultsError(`${source} is not valid CSV at line ${err.lines}: ${what}, so it was cut short or edited by hand; write it again with pandas to_csv.`);
}
