// Mutates the real corpus images (truncation, random bytes in the header and descriptor table,
// huge offsets and counts): the reader must answer with a result or one SifError, and never ask
// for more bytes than the file holds.
import * as assert from 'assert';
import * as fc from 'fast-check';
import { readFileSync } from 'fs';
import { ByteSource } from '../../src/core/sif/byteSource';
import { inspectSif } from '../../src/core/sif/inspect';
import { DESCRIPTOR_SIZE, SifError } from '../../src/core/sif/sif';
import { allImages } from './sifFixtures';

/** A ByteSource over a buffer that fails the test when asked for more than the file holds. */
function guardedSource(buffer: Buffer): ByteSource {
  let bytesRead = 0;
  return {
    size: buffer.length,
    get bytesRead() {
      return bytesRead;
    },
    async read(offset: number, length: number) {
      if (!(length <= buffer.length) || !(offset >= 0)) throw new assert.AssertionError({ message: `read of ${length} bytes at ${offset} from a ${buffer.length}-byte file` });
      const bytes = buffer.subarray(offset, offset + length);
      bytesRead += bytes.length;
      return bytes;
    },
  };
}

const images = allImages().filter((f) => !f.includes('busybox_arm64')).map((f) => readFileSync(f));

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat({ max: 4096 + 6 * DESCRIPTOR_SIZE }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('int64' as const),
    // header counts/offsets/sizes, or a descriptor's offset/size fields
    at: fc.oneof(fc.constantFrom(80, 88, 96, 104, 112, 120), fc.nat({ max: 5 }).chain((i) => fc.constantFrom(4096 + i * DESCRIPTOR_SIZE + 17, 4096 + i * DESCRIPTOR_SIZE + 25))),
    value: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, -1n, 2n ** 62n, 2n ** 53n, 4096n, 28080n)),
  }),
);

function mutate(original: Buffer, mutations: { kind: string; at: number; value?: number | bigint }[]): Buffer {
  let b = Buffer.from(original);
  for (const m of mutations) {
    if (m.kind === 'truncate') b = b.subarray(0, m.at % (b.length + 1));
    else if (m.kind === 'byte' && m.at < b.length) b[m.at] = m.value as number;
    else if (m.kind === 'int64' && m.at + 8 <= b.length) b.writeBigInt64LE(m.value as bigint, m.at);
  }
  return b;
}

describe('SIF reader under fuzzing', function () {
  this.timeout(120000);

  it('answers 20,000 mutated images with a result or one clear SifError', async () => {
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: images.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (index, mutations) => {
        const buffer = mutate(images[index], mutations);
        try {
          const inspection = await inspectSif(guardedSource(buffer), 'fuzzed.sif');
          assert.ok(inspection.bytesRead <= buffer.length);
        } catch (err) {
          if (!(err instanceof SifError)) throw err;
          assert.ok(err.message.length < 300 && !err.message.includes('\n'), err.message);
          errors++;
        }
      }),
      { numRuns: 20000, seed: 4242 },
    );
    assert.ok(errors > 1000, `most mutations hit a check (${errors} errors)`);
  });
});
