import { openRegularFile } from '../host/local';
import { Host } from '../host/host';

/** Random access to a file's bytes, counting what was read. */
export interface ByteSource {
  /** Size of the file in bytes. */
  readonly size: number;
  /** Bytes read so far, across every call. */
  readonly bytesRead: number;
  /** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Buffer>;
}

class CountingSource implements ByteSource {
  bytesRead = 0;

  constructor(
    readonly size: number,
    private readonly readRange: (offset: number, length: number) => Promise<Buffer>,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    const bytes = await this.readRange(offset, Math.max(0, Math.min(length, this.size - offset)));
    this.bytesRead += bytes.length;
    return bytes;
  }
}

/** A file on any Host: byte ranges over SFTP on a cluster, plain reads on this machine. */
export async function hostByteSource(host: Host, path: string): Promise<ByteSource> {
  const stat = await host.stat(path);
  return new CountingSource(stat.size, (offset, length) => host.readRange(path, offset, length));
}

/** Bytes already in memory, for tests and fuzzing. */
export function bufferByteSource(buffer: Buffer): ByteSource {
  return new CountingSource(buffer.length, async (offset, length) => buffer.subarray(offset, offset + length));
}

/** A local file read through one open handle (the CLI's fast path). */
export async function fileByteSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await openRegularFile(path);
  const size = (await handle.stat()).size;
  const source = new CountingSource(size, async (offset, length) => {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  });
  return Object.assign(source, { close: () => handle.close() });
}
