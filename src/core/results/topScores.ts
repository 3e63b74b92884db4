/**
 * The table the seed lab's get_top_score.py prints: a pandas DataFrame with a column per metric,
 * the index "Rank" 1..N, and cells `mean ± std` to 4 places, laid out as pandas lays it out.
 */
import { CvResults } from './cvResults';

/**
 * The top-scores table, byte for byte as pandas' `DataFrame.to_string()` prints it (which is what
 * `print(df)` shows whenever the table fits the terminal; ReproLab never elides columns).
 */
export function formatTopScores(results: CvResults): string {
  const names = results.metrics.map((m) => m.name);
  const rows = Math.max(0, ...results.metrics.map((m) => m.top.length));
  if (rows === 0) return `Empty DataFrame\nColumns: [${names.join(', ')}]\nIndex: []\n`;
  // pandas puts one space before every string cell, joins columns with one more, right-aligns
  // cells and headers, and gives the index name ("Rank") a header line of its own.
  const index = ['', 'Rank', ...Array.from({ length: rows }, (_, i) => String(i + 1))];
  const indexWidth = Math.max(...index.map(width));
  const columns = results.metrics.map((metric) => {
    const cells = metric.top.map((c) => ` ${pythonFixed(c.mean, 4)} \u00b1 ${pythonFixed(c.std, 4)}`);
    const column = [metric.name, '', ...cells];
    const columnWidth = Math.max(...column.map(width));
    return column.map((text) => padStart(text, columnWidth)).concat(Array(rows + 2 - column.length).fill(' '.repeat(columnWidth)));
  });
  return `${index.map((label, i) => [padEnd(label, indexWidth), ...columns.map((column) => column[i])].join(' ')).join('\n')}\n`;
}

/** `f"{x:.{digits}f}"` as Python writes it: exact ties round to even, and nan, inf and -0.0 spelled as Python does. */
export function pythonFixed(x: number | null, digits: number): string {
  if (x === null || Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  const point = digits > 0 ? `.${'0'.repeat(digits)}` : '';
  if (abs >= 1e21) return `${sign}${BigInt(abs)}${point}`; // toFixed switches to exponents there; such a double is a whole number
  let text = abs.toFixed(digits);
  // toFixed rounds an exact tie (0.03125 to 4 places) away from zero; Python rounds it to even.
  const exact = abs.toFixed(100);
  const cut = exact.indexOf('.') + 1 + digits;
  if (/^50*$/.test(exact.slice(cut)) && Number(text[text.length - 1]) % 2 === 1) text = exact.slice(0, digits > 0 ? cut : cut - 1);
  return sign + text;
}

// Python measures strings in code points; JavaScript in UTF-16 units.
const width = (text: string) => [...text].length;
const padStart = (text: string, to: number) => ' '.repeat(Math.max(0, to - width(text))) + text;
const padEnd = (text: string, to: number) => text + ' '.repeat(Math.max(0, to - width(text)));
