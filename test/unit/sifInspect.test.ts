import * as assert from 'assert';
import { readFileSync } from 'fs';
import { bufferByteSource } from '../../src/core/sif/byteSource';
import { inspectSif } from '../../src/core/sif/inspect';
import { DESCRIPTOR_SIZE, SifError } from '../../src/core/sif/sif';
import { imagePath } from './sifFixtures';

const busybox = () => readFileSync(imagePath('singularity-e2e-busybox_amd64'));
/** Overwrites descriptor `index`'s type and name in a copy of the image. */
function retag(image: Buffer, index: number, dataType: number, name: string): Buffer {
  const b = Buffer.from(image);
  const at = 4096 + index * DESCRIPTOR_SIZE;
  b.writeInt32LE(dataType, at);
  b.fill(0, at + 73, at + 201);
  b.write(name, at + 73);
  return b;
}

describe('SIF inspection', () => {
  it('takes labels, environment and runscript from inspect-metadata.json of a real image', async () => {
    const i = await inspectSif(bufferByteSource(busybox()), 'busybox.sif');
    assert.strictEqual(i.source, 'inspect-metadata.json');
    assert.strictEqual(i.definition, 'BootStrap: docker\nFrom: busybox:1.33.1\n');
    assert.deepStrictEqual([i.bootstrap, i.from], ['docker', 'busybox:1.33.1']);
    assert.strictEqual(i.labels['org.label-schema.usage.singularity.version'], '3.8.1');
    assert.deepStrictEqual(Object.keys(i.environment), ['/.singularity.d/env/10-docker2singularity.sh', '/.singularity.d/env/90-environment.sh']);
    assert.match(i.runscript ?? '', /^#!\/bin\/sh\nOCI_ENTRYPOINT=''/);
    assert.strictEqual(i.startscript, '#!/bin/sh');
    assert.deepStrictEqual(i.signatures, [{ id: 5, hash: 'SHA-256', fingerprint: '1137E72E6816BFC06D9CAA0D15F3F4F4F14B03B2', signs: 'group 1' }]);
    assert.deepStrictEqual(i.partitions, [{ id: 4, fs: 'Squashfs', type: 'primary system', arch: 'amd64', size: 745472 }]);
  });

  it('reads only the header, the table and the small objects: never the partition', async () => {
    const bytes = busybox();
    const i = await inspectSif(bufferByteSource(bytes));
    // header + table + the def file + inspect-metadata.json; oci-config.json is not needed
    assert.strictEqual(i.bytesRead, 128 + 28080 + 39 + 1896);
    assert.ok(i.bytesRead < bytes.length / 20);
  });

  it('falls back to the definition file, then to oci-config.json', async () => {
    const noMetadata = retag(busybox(), 1, 0x4007, 'renamed.json');
    const fromDef = await inspectSif(bufferByteSource(noMetadata));
    assert.strictEqual(fromDef.source, 'definition file');
    assert.deepStrictEqual([fromDef.bootstrap, fromDef.from], ['docker', 'busybox:1.33.1']);
    const noDef = retag(retag(busybox(), 1, 0x4007, 'renamed.json'), 0, 0x4007, 'not-a-def');
    const fromOci = await inspectSif(bufferByteSource(noDef));
    assert.strictEqual(fromOci.source, 'oci-config.json');
    assert.deepStrictEqual(fromOci.environment, { 'OCI Env': 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' });
    assert.strictEqual(fromOci.runscript, 'sh');
  });

  it('reports metadata it could not read as a warning and keeps the rest', async () => {
    const b = busybox();
    b.write('{not json', 36864);
    const i = await inspectSif(bufferByteSource(b));
    assert.strictEqual(i.source, 'definition file');
    assert.deepStrictEqual(i.warnings, ['object 2 (inspect-metadata.json) is not valid JSON; it was skipped.']);
  });

  it('has nothing to say about an OCI-SIF but its objects', async () => {
    const i = await inspectSif(bufferByteSource(readFileSync(imagePath('singularity-empty.oci'))));
    assert.strictEqual(i.source, 'none');
    assert.deepStrictEqual(i.partitions, []);
    assert.strictEqual(i.image.descriptors[0].type, 'OCI.RootIndex');
  });

  it('says a truncated or foreign file is not usable, in one sentence that says what to do', async () => {
    const truncated = busybox().subarray(0, 500000);
    await assert.rejects(inspectSif(bufferByteSource(truncated), 'lab.sif'), (err: unknown) =>
      err instanceof SifError && /^lab\.sif is truncated: object 4 \(FS\) ends at byte 790528 but the file has 500000\. Copy or pull it again\.$/.test(err.message));
    await assert.rejects(inspectSif(bufferByteSource(Buffer.from('#!/bin/sh\necho not an image\n'.repeat(10))), 'x.sh'), /x\.sh is not a SIF image \(no SIF_MAGIC at byte 32\)/);
    await assert.rejects(inspectSif(bufferByteSource(Buffer.alloc(10)), 'tiny'), /tiny is not a SIF image: it is 10 bytes/);
  });
});
