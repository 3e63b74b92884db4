/**
 * Records from Slurm's delimited output (`squeue -O Field:<0x1F>`, `sacct -P --delimiter X`).
 * Fields may hold newlines (sacct's SubmitLine), so records are cut by counting fields, not lines.
 */

/**
 * Splits output into records of `fieldCount` fields. `trailing` says each record ends with the
 * delimiter too (`--parsable`, `squeue -O F:<sep>`), not only separates fields (`--parsable2`).
 */
export function parseDelimited(text: string, delimiter: string, fieldCount: number, trailing: boolean): string[][] {
  if (!delimiter) throw new Error('a delimiter is needed');
  if (fieldCount < 1) throw new Error('at least one field is needed');
  const body = text.replace(/\r?\n$/, '');
  if (!body) return [];
  const tokens = body.split(delimiter);
  const records: string[][] = [];
  let current: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i];
    if (trailing && current.length === fieldCount) {
      // The token after a record's last delimiter starts with the line break before the next record.
      records.push(current);
      current = [];
      token = token.replace(/^\r?\n/, '');
      if (i === tokens.length - 1 && token === '') break;
    }
    if (!trailing && current.length === fieldCount - 1 && i < tokens.length - 1) {
      // "last field\nfirst field of the next record": the first field (an id) never holds a newline.
      const newline = token.lastIndexOf('\n');
      if (newline >= 0) {
        current.push(token.slice(0, newline).replace(/\r$/, ''));
        records.push(current);
        current = [token.slice(newline + 1)];
        continue;
      }
    }
    current.push(token);
  }
  if (current.length) records.push(current);
  return records;
}
