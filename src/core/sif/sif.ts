import { ByteSource } from './byteSource';

/** Raised for a file that is not a readable SIF image; the message says what is wrong and what to do. */
export class SifError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SifError';
  }
}

export const HEADER_SIZE = 128;
export const DESCRIPTOR_SIZE = 585;
/** Go's zero time, which deterministic builds store instead of a real timestamp. */
export const ZERO_TIME = -62135596800;
const MAGIC = 'SIF_MAGIC';
const GROUP_MASK = 0xf0000000;
// The table is 48 slots in every image Apptainer and siftool write; far more is not a SIF.
const MAX_DESCRIPTORS = 4096;

export const ARCHES: Record<string, string> = {
  '00': 'unknown', '01': '386', '02': 'amd64', '03': 'arm', '04': 'arm64', '05': 'ppc64', '06': 'ppc64le',
  '07': 'mips', '08': 'mipsle', '09': 'mips64', '10': 'mips64le', '11': 's390x', '12': 'riscv64', '13': 'loong64',
};

export const DATA_TYPES: Record<number, string> = {
  0x4001: 'Def.FILE', 0x4002: 'Env.Vars', 0x4003: 'JSON.Labels', 0x4004: 'FS', 0x4005: 'Signature',
  0x4006: 'JSON.Generic', 0x4007: 'Generic/Raw', 0x4008: 'Cryptographic Message', 0x4009: 'SBOM',
  0x400a: 'OCI.RootIndex', 0x400b: 'OCI.Blob',
};
export const FS_TYPES: Record<number, string> = { 1: 'Squashfs', 2: 'Ext3', 3: 'Archive', 4: 'Raw', 5: 'Encrypted squashfs' };
export const PARTITION_TYPES: Record<number, string> = { 1: 'System', 2: '*System', 3: 'Data', 4: 'Overlay' };
export const HASH_TYPES: Record<number, string> = { 1: 'SHA-256', 2: 'SHA-384', 3: 'SHA-512', 4: 'BLAKE2s-256', 5: 'BLAKE2b-256' };
export const CRYPT_FORMATS: Record<number, string> = { 1: 'OpenPGP', 2: 'PEM' };
export const CRYPT_MESSAGES: Record<number, string> = { 0x100: 'Clear Signature', 0x200: 'RSA-OAEP' };
export const SBOM_FORMATS: Record<number, string> = {
  1: 'cyclonedx-json', 2: 'cyclonedx-xml', 3: 'github-json', 4: 'spdx-json', 5: 'spdx-rdf', 6: 'spdx-tag-value', 7: 'spdx-yaml', 8: 'syft-json',
};

export interface SifHeader {
  launchScript: string;
  version: string;
  /** Two-digit code from the header, such as '02'. */
  archCode: string;
  /** Go architecture name, such as 'amd64'; 'unknown' for '00'. */
  arch: string;
  /** UUID, or '' when all zeros. */
  id: string;
  /** Unix seconds; ZERO_TIME when the build was deterministic. */
  createdAt: number;
  modifiedAt: number;
  descriptorsFree: number;
  descriptorsTotal: number;
  descriptorsOffset: number;
  descriptorsSize: number;
  dataOffset: number;
  dataSize: number;
}

export type DescriptorExtra =
  | { kind: 'partition'; fsType: number; fs: string; partitionType: number; partition: string; archCode: string; arch: string }
  | { kind: 'signature'; hashType: number; hash: string; /** hex, upper case; '' when absent (DSSE) */ fingerprint: string }
  | { kind: 'cryptMessage'; formatType: number; format: string; messageType: number; message: string }
  | { kind: 'sbom'; formatType: number; format: string }
  | { kind: 'oci'; digest: string }
  | { kind: 'none' };

export interface SifDescriptor {
  dataType: number;
  /** siftool's name for the data type, such as 'FS' or 'JSON.Generic'. */
  type: string;
  id: number;
  /** Group number with the 0xF0000000 mask removed; 0 when in no group. */
  groupId: number;
  /** Object or group id this one is linked to; 0 when none. */
  linkedId: number;
  linkIsGroup: boolean;
  offset: number;
  size: number;
  sizeWithPadding: number;
  createdAt: number;
  modifiedAt: number;
  name: string;
  extra: DescriptorExtra;
}

export interface SifImage {
  fileSize: number;
  header: SifHeader;
  /** Used descriptors only, in table order. */
  descriptors: SifDescriptor[];
}

/** Reads only the 128-byte global header: enough for the architecture and times of a tree node. */
export async function readSifHeader(source: ByteSource, name = 'the file'): Promise<SifHeader> {
  if (source.size < HEADER_SIZE) {
    throw new SifError(`${name} is not a SIF image: it is ${source.size} bytes, shorter than a SIF header (${HEADER_SIZE}). It may be truncated; copy or pull it again.`);
  }
  return parseHeader(await source.read(0, HEADER_SIZE), source.size, name);
}

/** Reads a SIF's global header and descriptor table: the header, then one read of the table. */
export async function readSif(source: ByteSource, name = 'the file'): Promise<SifImage> {
  const header = await readSifHeader(source, name);
  const table = await source.read(header.descriptorsOffset, header.descriptorsSize);
  if (table.length < header.descriptorsSize) {
    throw new SifError(`${name} is truncated: its descriptor table ends at byte ${header.descriptorsOffset + header.descriptorsSize} but the file has ${source.size}. Copy or pull it again.`);
  }
  const descriptors: SifDescriptor[] = [];
  for (let i = 0; i < header.descriptorsTotal; i++) {
    const d = parseDescriptor(table.subarray(i * DESCRIPTOR_SIZE, (i + 1) * DESCRIPTOR_SIZE));
    if (!d) continue;
    if (d.offset + d.size > source.size) {
      throw new SifError(`${name} is truncated: object ${d.id} (${d.type}) ends at byte ${d.offset + d.size} but the file has ${source.size}. Copy or pull it again.`);
    }
    descriptors.push(d);
  }
  return { fileSize: source.size, header, descriptors };
}

function parseHeader(b: Buffer, fileSize: number, name: string): SifHeader {
  const magic = cString(b, 32, 10);
  if (magic !== MAGIC) {
    throw new SifError(`${name} is not a SIF image (no SIF_MAGIC at byte 32). Pick an Apptainer .sif file, or rebuild it.`);
  }
  const version = cString(b, 42, 3);
  if (version !== '01') throw new SifError(`${name} is a SIF of version "${version}", which ReproLab does not read (it reads version 01).`);
  const archCode = cString(b, 45, 3);
  const header: SifHeader = {
    launchScript: cString(b, 0, 32),
    version,
    archCode,
    arch: ARCHES[archCode] ?? `unknown (${archCode})`,
    id: uuid(b.subarray(48, 64)),
    createdAt: int64(b, 64),
    modifiedAt: int64(b, 72),
    descriptorsFree: int64(b, 80),
    descriptorsTotal: int64(b, 88),
    descriptorsOffset: int64(b, 96),
    descriptorsSize: int64(b, 104),
    dataOffset: int64(b, 112),
    dataSize: int64(b, 120),
  };
  const { descriptorsTotal: total, descriptorsOffset: offset, descriptorsSize: size } = header;
  if (!(total >= 0 && total <= MAX_DESCRIPTORS) || size !== total * DESCRIPTOR_SIZE) {
    throw new SifError(`${name} has a damaged header: ${total} descriptors in ${size} bytes do not fit the SIF layout. Copy or pull it again.`);
  }
  if (!(offset >= HEADER_SIZE) || offset + size > fileSize) {
    throw new SifError(`${name} is truncated or damaged: its descriptor table (bytes ${shown(offset)}-${shown(offset + size)}) lies outside the ${fileSize}-byte file. Copy or pull it again.`);
  }
  return header;
}

/** A header number for a message: int64 values past 2^53 read as NaN. */
function shown(n: number): string {
  return Number.isFinite(n) ? String(n) : 'past any file size';
}

function parseDescriptor(b: Buffer): SifDescriptor | undefined {
  if (b[4] === 0) return undefined; // an unused slot
  const dataType = b.readInt32LE(0);
  const rawGroup = b.readUInt32LE(9);
  const rawLink = b.readUInt32LE(13);
  const linkIsGroup = ((rawLink & GROUP_MASK) >>> 0) === GROUP_MASK;
  const offset = int64(b, 17);
  const size = int64(b, 25);
  if (!(offset >= 0) || !(size >= 0)) {
    throw new SifError(`object ${b.readUInt32LE(5)} has an impossible position (offset ${shown(offset)}, size ${shown(size)}): the image is damaged. Copy or pull it again.`);
  }
  return {
    dataType,
    type: DATA_TYPES[dataType] ?? `Unknown (0x${dataType.toString(16)})`,
    id: b.readUInt32LE(5),
    groupId: (rawGroup & ~GROUP_MASK) >>> 0,
    linkedId: linkIsGroup ? (rawLink & ~GROUP_MASK) >>> 0 : rawLink,
    linkIsGroup,
    offset,
    size,
    sizeWithPadding: int64(b, 33),
    createdAt: int64(b, 41),
    modifiedAt: int64(b, 49),
    name: cString(b, 73, 128),
    extra: parseExtra(dataType, b.subarray(201, 585)),
  };
}

function parseExtra(dataType: number, e: Buffer): DescriptorExtra {
  switch (dataType) {
    case 0x4004: {
      const fsType = e.readInt32LE(0);
      const partitionType = e.readInt32LE(4);
      const archCode = cString(e, 8, 3);
      return {
        kind: 'partition', fsType, fs: FS_TYPES[fsType] ?? `Unknown (${fsType})`,
        partitionType, partition: PARTITION_TYPES[partitionType] ?? `Unknown (${partitionType})`,
        archCode, arch: ARCHES[archCode] ?? `unknown (${archCode})`,
      };
    }
    case 0x4005: {
      const hashType = e.readInt32LE(0);
      const entity = e.subarray(4, 24);
      return { kind: 'signature', hashType, hash: HASH_TYPES[hashType] ?? `Unknown (${hashType})`, fingerprint: entity.every((x) => x === 0) ? '' : entity.toString('hex').toUpperCase() };
    }
    case 0x4008: {
      const formatType = e.readInt32LE(0);
      const messageType = e.readInt32LE(4);
      return { kind: 'cryptMessage', formatType, format: CRYPT_FORMATS[formatType] ?? `Unknown (${formatType})`, messageType, message: CRYPT_MESSAGES[messageType] ?? `Unknown (0x${messageType.toString(16)})` };
    }
    case 0x4009: {
      const formatType = e.readInt32LE(0);
      return { kind: 'sbom', formatType, format: SBOM_FORMATS[formatType] ?? `Unknown (${formatType})` };
    }
    case 0x400a:
    case 0x400b:
      return { kind: 'oci', digest: cString(e, 0, e.length) };
    default:
      return { kind: 'none' };
  }
}

/** A fixed-size NUL-padded string. */
function cString(b: Buffer, start: number, length: number): string {
  const field = b.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** A little-endian int64 as a number; NaN when it does not fit exactly (no real offset does). */
function int64(b: Buffer, at: number): number {
  const value = b.readBigInt64LE(at);
  return value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER) ? NaN : Number(value);
}

function uuid(bytes: Buffer): string {
  if (bytes.every((x) => x === 0)) return '';
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
