import { ByteSource } from './byteSource';
import { SifDescriptor, SifError } from './sif';

/** Reads one object's bytes, refusing anything larger than `limit` so a reader never loads a partition by mistake. */
export async function readObject(source: ByteSource, d: SifDescriptor, limit: number): Promise<Buffer> {
  if (d.size > limit) throw new SifError(`object ${d.id} (${d.type}) is ${d.size} bytes, more than the ${limit} ReproLab reads for metadata.`);
  const bytes = await source.read(d.offset, d.size);
  if (bytes.length !== d.size) throw new SifError(`object ${d.id} (${d.type}) is cut short: the image is truncated. Copy or pull it again.`);
  return bytes;
}
