/**
 * The alloy-extraction notebook shipped in media/notebooks: its parameters cell filled in with the
 * user's choices, so the notebook that opens is ready to run top to bottom.
 */

export const QUANTISATIONS = ['none', '4bit', '8bit'] as const;
export type Quantisation = (typeof QUANTISATIONS)[number];

/** What the parameters cell of the notebook holds. */
export interface NotebookParameters {
  /** PDF files, absolute or relative to the notebook's folder. */
  pdfPaths: string[];
  /** A Hugging Face model id such as `meta-llama/Llama-3.2-3B-Instruct`. */
  modelId: string;
  quantisation: Quantisation;
  /** Characters of cleaned text per prompt. */
  chunkChars: number;
  /** Where `<paper>.json` and `<paper>.csv` go, absolute or relative to the notebook's folder. */
  outputDir: string;
}

export const DEFAULT_MODEL = 'meta-llama/Llama-3.2-3B-Instruct';

/** The file name of the template in media/notebooks/. */
export const NOTEBOOK_FILE = 'alloy-extraction.ipynb';

interface Cell {
  cell_type: string;
  id?: string;
  metadata?: { tags?: string[] };
  source: string | string[];
}

interface Notebook {
  cells: Cell[];
  nbformat: number;
}

/** Refuses parameters the notebook could not run with, in one sentence that says what to change. */
export function checkParameters(p: NotebookParameters): void {
  if (p.pdfPaths.length === 0) throw new Error('Choose at least one PDF for the notebook to read.');
  for (const path of p.pdfPaths) {
    if (!/\.pdf$/i.test(path)) throw new Error(`${path} is not a PDF: choose files that end in .pdf.`);
    if (/[\r\n]/.test(path)) throw new Error('A PDF path contains a line break: rename the file.');
  }
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(p.modelId)) throw new Error(`"${p.modelId}" is not a Hugging Face model id: write it like meta-llama/Llama-3.2-3B-Instruct.`);
  if (!QUANTISATIONS.includes(p.quantisation)) throw new Error(`Quantisation "${p.quantisation}" is not one of ${QUANTISATIONS.join(', ')}.`);
  if (!Number.isInteger(p.chunkChars) || p.chunkChars < 500 || p.chunkChars > 100000) throw new Error(`A chunk of ${p.chunkChars} characters is out of range: choose a whole number from 500 to 100000.`);
  if (!p.outputDir.trim() || /[\r\n]/.test(p.outputDir)) throw new Error('The output folder must be a path on one line.');
}

/** A Python literal for a string or a list of strings: JSON's string syntax is valid Python. */
function pythonLiteral(value: string | number | string[]): string {
  return Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value);
}

/**
 * The template with its parameters cell (the code cell tagged `parameters`) rewritten: each
 * `NAME = value  # comment` line keeps its comment and gets the new value. Other cells are untouched.
 */
export function fillParameters(templateJson: string, p: NotebookParameters): string {
  checkParameters(p);
  const notebook = JSON.parse(templateJson) as Notebook;
  const cell = notebook.cells.find((c) => c.cell_type === 'code' && c.metadata?.tags?.includes('parameters'));
  if (!cell) throw new Error('The notebook template has no cell tagged "parameters".');
  const values: Record<string, string | number | string[]> = {
    PDF_PATHS: p.pdfPaths,
    MODEL_ID: p.modelId,
    QUANTISATION: p.quantisation,
    CHUNK_CHARS: p.chunkChars,
    OUTPUT_DIR: p.outputDir,
  };
  const seen = new Set<string>();
  const source = (Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n').map((line) => {
    const m = /^([A-Z_][A-Z0-9_]*) = (.*?)(\s+#.*)?$/.exec(line);
    if (!m || !(m[1] in values)) return line;
    seen.add(m[1]);
    return `${m[1]} = ${pythonLiteral(values[m[1]])}${m[3] ?? ''}`;
  });
  const missing = Object.keys(values).filter((name) => !seen.has(name));
  if (missing.length) throw new Error(`The notebook template's parameters cell has no ${missing.join(', ')}.`);
  cell.source = source.map((line, i) => (i < source.length - 1 ? `${line}\n` : line)).filter((line) => line !== '');
  return JSON.stringify(notebook, null, 1) + '\n';
}

/** The code cells of a notebook with their ids, tags and source, in order. */
export function codeCells(notebookJson: string): { id: string; tags: string[]; source: string }[] {
  const notebook = JSON.parse(notebookJson) as Notebook;
  return notebook.cells
    .filter((c) => c.cell_type === 'code')
    .map((c, i) => ({ id: c.id ?? `cell-${i}`, tags: c.metadata?.tags ?? [], source: Array.isArray(c.source) ? c.source.join('') : c.source }));
}
