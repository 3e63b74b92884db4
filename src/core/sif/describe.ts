import { SifInspection } from './inspect';
import { formatHeader, formatList, readableSize } from './siftoolFormat';

const indent = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => `  ${l}`).join('\n');

/** A readable report of an inspected image: siftool's header and object table, then the metadata. */
export function describeInspection(i: SifInspection): string {
  const lines: string[] = [];
  lines.push(`Metadata from:  ${i.source}`);
  if (i.bootstrap) lines.push(`Bootstrap:      ${i.bootstrap}${i.from ? `  From: ${i.from}` : ''}`);
  lines.push(`Signed:         ${i.signatures.length ? i.signatures.map((s) => `${s.fingerprint || 'no fingerprint'} (${s.hash}, ${s.signs})`).join('; ') : 'no'}`);
  for (const p of i.partitions) lines.push(`Partition ${p.id}:    ${p.fs}, ${p.type}, ${p.arch}, ${readableSize(p.size)}`);
  if (i.apps.length) lines.push(`Apps:           ${i.apps.join(', ')}`);
  const labels = Object.entries(i.labels);
  if (labels.length) lines.push('Labels:', ...labels.map(([k, v]) => `  ${k}: ${v}`));
  for (const [file, script] of Object.entries(i.environment)) lines.push(`Environment (${file}):`, indent(script));
  if (i.runscript) lines.push('Runscript:', indent(i.runscript));
  if (i.help) lines.push('Help:', indent(i.help));
  if (i.definition) lines.push('Definition file:', indent(i.definition));
  for (const w of i.warnings) lines.push(`Warning: ${w}`);
  return [formatHeader(i.image), formatList(i.image), lines.join('\n') + '\n'].join('\n');
}
