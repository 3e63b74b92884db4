/**
 * Runs compared: the best score of each, mean ± std across them, per-split scores, the arguments
 * that differ, and whether runs with the same image and arguments produced the same cv_results.
 */
import { createHash } from 'crypto';
import { csvRecords, CsvChunks } from './cvResults';
import { RunResults } from './runResults';

/** Columns that differ between two runs of the same computation: how long fits took. */
const TIMING = /^(mean|std)_(fit|score)_time$|^split\d+_(fit|score)_time$/;
/** Arguments that name where a run writes, which differ between runs by design. */
const OUTPUT_ARGUMENT = /^(output[_-]?dir|out[_-]?dir|output|output[_-]?folder)$/i;

/** A digest of every row of a cv_results.csv, timings left out: enough to tell where two files first differ. */
export interface ResultsFingerprint {
  columns: string[];
  rows: string[];
}

/** Streams a cv_results.csv into its fingerprint (16 bytes a row). */
export async function fingerprintCvResults(chunks: CsvChunks, source: string): Promise<ResultsFingerprint> {
  let columns: string[] | undefined;
  let kept: number[] = [];
  const rows: string[] = [];
  for await (const record of csvRecords(chunks, source)) {
    if (!columns) {
      columns = record;
      kept = record.map((c, i) => (TIMING.test(c) ? -1 : i)).filter((i) => i >= 0);
      continue;
    }
    rows.push(createHash('sha256').update(kept.map((i) => record[i] ?? '').join('\x1f')).digest('base64').slice(0, 22));
  }
  return { columns: columns ?? [], rows };
}

/** One cell that differs between two runs' cv_results.csv. */
export interface CellDifference {
  /** Data row, from 1. */
  row: number;
  column: string;
  a: string;
  b: string;
}

/** Where two fingerprints first differ: a row, or the columns or row counts themselves. */
export function firstDifferentRow(a: ResultsFingerprint, b: ResultsFingerprint): { row: number } | { columns: true } | { rows: [number, number] } | undefined {
  const keptA = a.columns.filter((c) => !TIMING.test(c));
  const keptB = b.columns.filter((c) => !TIMING.test(c));
  if (keptA.join('\x1f') !== keptB.join('\x1f')) return { columns: true };
  const n = Math.min(a.rows.length, b.rows.length);
  for (let i = 0; i < n; i++) if (a.rows[i] !== b.rows[i]) return { row: i + 1 };
  return a.rows.length === b.rows.length ? undefined : { rows: [a.rows.length, b.rows.length] };
}

/** Reads one data row of two files and names the first cell (timings aside) that differs. */
export async function cellDifference(a: CsvChunks, b: CsvChunks, row: number, source: string): Promise<CellDifference | undefined> {
  const [ra, rb] = await Promise.all([readRow(a, row, source), readRow(b, row, source)]);
  for (let i = 0; i < ra.header.length; i++) {
    const column = ra.header[i];
    if (TIMING.test(column)) continue;
    if ((ra.values[i] ?? '') !== (rb.values[i] ?? '')) return { row, column, a: ra.values[i] ?? '', b: rb.values[i] ?? '' };
  }
  return undefined;
}

async function readRow(chunks: CsvChunks, row: number, source: string): Promise<{ header: string[]; values: string[] }> {
  let header: string[] | undefined;
  let n = 0;
  for await (const record of csvRecords(chunks, source)) {
    if (!header) header = record;
    else if (++n === row) return { header, values: record };
  }
  return { header: header ?? [], values: [] };
}

/** A run to compare: its results and the fingerprint of its cv_results.csv. */
export interface RunToCompare {
  label: string;
  results: RunResults;
  fingerprint: ResultsFingerprint;
}

export interface ReproducibilityCheck {
  /** Labels of runs with the same image and arguments. */
  runs: string[];
  reproduced: boolean;
  /** For runs that differ: the first difference, in one sentence. */
  difference?: string;
}

export interface Comparison {
  metric: string;
  better: 'higher' | 'lower';
  runs: { label: string; seed: unknown; best: { mean: number | null; std: number | null; params: Record<string, string>; splits: (number | null)[] } | null }[];
  /** The best means of the runs: their mean and (sample) standard deviation. */
  acrossRuns: { mean: number | null; std: number | null; n: number };
  /** Arguments whose values are not the same in every run (the output folder aside). */
  argumentDifferences: { name: string; values: unknown[] }[];
  reproducibility: ReproducibilityCheck[];
  metrics: string[];
}

/** The arguments a run was made with: args.yaml, else its run record's. */
export function runArguments(results: RunResults): Record<string, unknown> {
  return results.args ?? (results.run?.arguments as Record<string, unknown> | undefined) ?? {};
}

/** What must match for two runs to be expected to give the same results: image and arguments. */
function inputsKey(results: RunResults): string {
  const args = Object.entries(runArguments(results)).filter(([k]) => !OUTPUT_ARGUMENT.test(k)).map(([k, v]) => [k.replace(/-/g, '_'), v] as const).sort(([a], [b]) => a.localeCompare(b));
  const image = results.run?.image ? `${results.run.image.path}@${results.run.image.sha256 ?? results.run.image.id ?? ''}` : '';
  return JSON.stringify([image, args]);
}

/**
 * Compares runs on one metric (the first metric of the first run when none is named), and checks
 * that runs with the same inputs reproduced each other; `difference` explains a row that differs.
 */
export async function compareRuns(runs: RunToCompare[], metric: string | undefined, difference: (a: RunToCompare, b: RunToCompare, row: number) => Promise<CellDifference | undefined>): Promise<Comparison> {
  if (runs.length < 2) throw new Error('Pick at least two runs to compare.');
  const name = metric ?? runs[0].results.scores.metrics[0]?.name;
  const metrics = [...new Set(runs.flatMap((r) => r.results.scores.metrics.map((m) => m.name)))];
  const lacking = runs.filter((r) => !r.results.scores.metrics.some((m) => m.name === name));
  if (!name || lacking.length) throw new Error(`${lacking.map((r) => r.label).join(', ')} ${lacking.length === 1 ? 'has' : 'have'} no ${name ?? ''} scores: compare runs of the same search.`);
  const better = runs[0].results.scores.metrics.find((m) => m.name === name)!.better;
  const rows = runs.map((r) => {
    const best = r.results.scores.metrics.find((m) => m.name === name)!.top[0];
    const args = runArguments(r.results);
    return { label: r.label, seed: args.random_state ?? args['random-state'] ?? args.seed ?? r.results.run?.seed ?? null, best: best ? { mean: best.mean, std: best.std, params: best.params, splits: best.splits } : null };
  });
  const means = rows.map((r) => r.best?.mean).filter((m): m is number => typeof m === 'number' && Number.isFinite(m));
  const mean = means.length ? means.reduce((a, b) => a + b, 0) / means.length : null;
  const std = means.length > 1 && mean !== null ? Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (means.length - 1)) : null;

  const names = [...new Set(runs.flatMap((r) => Object.keys(runArguments(r.results))))].filter((k) => !OUTPUT_ARGUMENT.test(k)).sort();
  const argumentDifferences = names
    .map((n) => ({ name: n, values: runs.map((r) => runArguments(r.results)[n]) }))
    .filter((d) => new Set(d.values.map((v) => JSON.stringify(v ?? null))).size > 1);

  const groups = new Map<string, RunToCompare[]>();
  for (const run of runs) groups.set(inputsKey(run.results), [...(groups.get(inputsKey(run.results)) ?? []), run]);
  const reproducibility: ReproducibilityCheck[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [first, ...rest] = group;
    let sentence: string | undefined;
    for (const other of rest) {
      const where = firstDifferentRow(first.fingerprint, other.fingerprint);
      if (!where) continue;
      if ('columns' in where) sentence = `${first.label} and ${other.label} have different columns in cv_results.csv.`;
      else if ('rows' in where) sentence = `${first.label} has ${where.rows[0]} candidates and ${other.label} has ${where.rows[1]}.`;
      else {
        const cell = await difference(first, other, where.row);
        sentence = cell ? `Row ${cell.row}, ${cell.column}: ${first.label} has ${cell.a || '(empty)'}, ${other.label} has ${cell.b || '(empty)'}.` : `Row ${where.row} differs between ${first.label} and ${other.label}.`;
      }
      break;
    }
    reproducibility.push({ runs: group.map((r) => r.label), reproduced: !sentence, ...(sentence ? { difference: sentence } : {}) });
  }
  return { metric: name, better, runs: rows, acrossRuns: { mean, std, n: means.length }, argumentDifferences, reproducibility, metrics };
}

const num = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? '—' : x.toFixed(d));
const cell = (v: unknown) => String(typeof v === 'string' ? v : JSON.stringify(v ?? null)).replace(/\|/g, '\\|');

/** The comparison as Markdown, for a lab report. */
export function comparisonMarkdown(c: Comparison): string {
  const lines = [
    `## Comparison of ${c.runs.length} runs on ${c.metric}`,
    '',
    `${c.better === 'lower' ? 'Lower' : 'Higher'} is better. Across runs, the best ${c.metric} is ${num(c.acrossRuns.mean)} ± ${num(c.acrossRuns.std)} (mean ± sample standard deviation of ${c.acrossRuns.n} runs).`,
    '',
    `| run | seed | best ${c.metric} | parameters |`,
    '|---|---|---|---|',
    ...c.runs.map((r) => `| ${cell(r.label)} | ${cell(r.seed)} | ${r.best ? `${num(r.best.mean)} ± ${num(r.best.std)}` : '—'} | ${r.best ? cell(Object.entries(r.best.params).map(([k, v]) => `${k}=${v}`).join(', ')) : ''} |`),
    '',
  ];
  if (c.argumentDifferences.length) {
    lines.push('### Arguments that differ', '', `| argument | ${c.runs.map((r) => cell(r.label)).join(' | ')} |`, `|---|${c.runs.map(() => '---').join('|')}|`);
    for (const d of c.argumentDifferences) lines.push(`| ${cell(d.name)} | ${d.values.map(cell).join(' | ')} |`);
    lines.push('');
  }
  lines.push('### Reproducibility', '');
  if (!c.reproducibility.length) lines.push('No two runs had the same image and arguments, so none was expected to reproduce another.');
  for (const r of c.reproducibility) lines.push(`- ${r.runs.join(', ')}: ${r.reproduced ? '**reproduced** (every score equal to the last digit)' : `**not reproduced**: ${r.difference}`}`);
  return lines.join('\n') + '\n';
}
