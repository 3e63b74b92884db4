/**
 * The shape every checker of a text file returns (definition files, #SBATCH directives,
 * requirements), so one editor registration can show them all with their fixes.
 */

/** A replacement of the text between two positions (0-based lines and UTF-16 columns, BOM not counted). */
export interface TextEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface TextFix {
  /** What the fix does, as a quick-fix title. */
  title: string;
  edits: TextEdit[];
  /** Convert every line ending to LF: editors keep one line-ending style, so this is not a text edit. */
  lineEndings?: 'lf';
  /** Drop the UTF-8 byte order mark: editors hide it, so this is not a text edit either. */
  removeBom?: boolean;
}

export interface TextProblem<Code extends string = string, Fix extends TextFix = TextFix> {
  code: Code;
  /** 0-based range of the offending text (BOM not counted). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  message: string;
  /** Present only when the fix is certain. */
  fix?: Fix;
}
