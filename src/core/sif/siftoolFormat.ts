import { SifDescriptor, SifImage, ZERO_TIME } from './sif';

/** Sizes as siftool prints them: 1024-based, rounded to whole units ("27 KiB", "0 B"). */
export function readableSize(size: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.round(value)} ${units[unit]}`;
}

/** A timestamp as Go prints a UTC time: 2020-06-30 00:01:56 +0000 UTC. */
export function goTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  // A damaged header can hold a time no calendar has; say so rather than fail the whole report.
  if (Number.isNaN(date.getTime())) return `${seconds} (not a valid time: the header may be damaged)`;
  return `${date.toISOString().replace('T', ' ').slice(0, 19)} +0000 UTC`;
}

/** Aligns "Key:" columns the way Go's tabwriter does in siftool. */
function table(rows: [string, string][], padding: number, indent = ''): string {
  const width = Math.max(...rows.map(([k]) => k.length + 1));
  return rows.map(([k, v]) => `${indent}${`${k}:`.padEnd(width + padding)}${v}\n`).join('');
}

/** What `siftool header` prints. */
export function formatHeader(image: SifImage): string {
  const h = image.header;
  const rows: [string, string][] = [];
  if (h.launchScript) rows.push(['Launch Script', h.launchScript.replace(/\n$/, '')]);
  rows.push(['Version', h.version]);
  if (h.archCode !== '00') rows.push(['Primary Architecture', h.arch]);
  if (h.id) rows.push(['ID', h.id]);
  if (h.createdAt !== ZERO_TIME) rows.push(['Created At', goTime(h.createdAt)]);
  if (h.modifiedAt !== ZERO_TIME) rows.push(['Modified At', goTime(h.modifiedAt)]);
  rows.push(
    ['Descriptors Free', String(h.descriptorsFree)],
    ['Descriptors Total', String(h.descriptorsTotal)],
    ['Descriptors Offset', String(h.descriptorsOffset)],
    ['Descriptors Size', readableSize(h.descriptorsSize)],
    ['Data Offset', String(h.dataOffset)],
    ['Data Size', readableSize(h.dataSize)],
  );
  return table(rows, 1);
}

/** The TYPE column of `siftool list`, such as "FS (Squashfs/*System/amd64)". */
export function typeLabel(d: SifDescriptor): string {
  switch (d.extra.kind) {
    case 'partition':
      return `${d.type} (${d.extra.fs}/${d.extra.partition}/${d.extra.arch})`;
    case 'signature':
      return `${d.type} (${d.extra.hash})`;
    case 'cryptMessage':
      return `${d.type} (${d.extra.format}/${d.extra.message})`;
    case 'sbom':
      return `${d.type} (${d.extra.format})`;
    default:
      return d.type;
  }
}

function groupLabel(d: SifDescriptor): string {
  return d.groupId === 0 ? 'NONE' : String(d.groupId);
}

function linkLabel(d: SifDescriptor, width: number): string {
  if (d.linkedId === 0) return 'NONE';
  return d.linkIsGroup ? `${String(d.linkedId).padEnd(width)}(G)` : String(d.linkedId);
}

/** What `siftool list` prints. */
export function formatList(image: SifImage): string {
  const rule = '-'.repeat(78);
  const lines = [rule, 'ID   |GROUP   |LINK    |SIF POSITION (start-end)  |TYPE', rule];
  for (const d of image.descriptors) {
    lines.push(`${String(d.id).padEnd(5)}|${groupLabel(d).padEnd(8)}|${`${linkLabel(d, 4)} `.padEnd(8).slice(0, Math.max(8, linkLabel(d, 4).length + 1))}|${`${d.offset}-${d.offset + d.size}`.padEnd(26)}|${typeLabel(d)}`);
  }
  return lines.join('\n') + '\n';
}

/** What `siftool info ID` prints for one object. */
export function formatInfo(d: SifDescriptor): string {
  const rows: [string, string][] = [
    ['Data Type', d.type],
    ['ID', String(d.id)],
    ['Group ID', groupLabel(d)],
    ['Linked ID', d.linkedId === 0 ? 'NONE' : d.linkIsGroup ? `${d.linkedId} (G)` : String(d.linkedId)],
    ['Offset', String(d.offset)],
    ['Size', String(d.size)],
  ];
  if (d.createdAt !== ZERO_TIME) rows.push(['Created At', goTime(d.createdAt)]);
  if (d.modifiedAt !== ZERO_TIME) rows.push(['Modified At', goTime(d.modifiedAt)]);
  if (d.name) rows.push(['Name', d.name]);
  switch (d.extra.kind) {
    case 'partition':
      rows.push(['Filesystem Type', d.extra.fs], ['Partition Type', d.extra.partition], ['Architecture', d.extra.arch]);
      break;
    case 'signature':
      rows.push(['Hash Type', d.extra.hash]);
      if (d.extra.fingerprint) rows.push(['Entity', d.extra.fingerprint]);
      break;
    case 'cryptMessage':
      rows.push(['Format Type', d.extra.format], ['Message Type', d.extra.message]);
      break;
    case 'sbom':
      rows.push(['Format', d.extra.format]);
      break;
    case 'oci':
      rows.push(['Digest', d.extra.digest]);
      break;
  }
  return table(rows, 2, '  ');
}
