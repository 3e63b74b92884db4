import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { bufferByteSource } from '../../src/core/sif/byteSource';
import { readObject } from '../../src/core/sif/objects';
import { readSif, SifImage } from '../../src/core/sif/sif';
import { formatHeader, formatInfo, formatList, readableSize } from '../../src/core/sif/siftoolFormat';
import { fixture } from '../paths';
import { allImages, imagePath } from './sifFixtures';

// The image behind each golden, as in sylabs/sif internal/app/siftool/info_test.go.
const GOLDEN_IMAGES: Record<string, string> = {
  Empty: 'empty', EmptyID: 'empty-id', EmptyLaunchScript: 'empty-launch-script', OneObjectTime: 'one-object-time',
  OneObjectGenericJSON: 'one-object-generic-json', OneObjectCryptMessage: 'one-object-crypt-message', OneObjectSBOM: 'one-object-sbom',
  OneObjectOCIRootIndex: 'one-object-oci-root-index', OneObjectOCIBlob: 'one-object-oci-blob', OneGroup: 'one-group',
  OneGroupSignedLegacy: 'one-group-signed-legacy', OneGroupSignedLegacyAll: 'one-group-signed-legacy-all',
  OneGroupSignedLegacyGroup: 'one-group-signed-legacy-group', OneGroupSignedPGP: 'one-group-signed-pgp', TwoGroups: 'two-groups',
  TwoGroupsSignedLegacy: 'two-groups-signed-legacy', TwoGroupsSignedLegacyAll: 'two-groups-signed-legacy-all',
  TwoGroupsSignedLegacyGroup: 'two-groups-signed-legacy-group', TwoGroupsSignedPGP: 'two-groups-signed-pgp',
};
const INFO_OBJECTS: Record<string, [string, number]> = {
  Time: ['one-object-time', 1], GenericJSON: ['one-object-generic-json', 1], CryptMessage: ['one-object-crypt-message', 1],
  SBOM: ['one-object-sbom', 1], OCIRootIndex: ['one-object-oci-root-index', 1], OCIBlob: ['one-object-oci-blob', 1],
  DataPartitionRaw: ['two-groups-signed-pgp', 1], DataPartitionSquashFS: ['two-groups-signed-pgp', 2],
  DataPartitionEXT3: ['two-groups-signed-pgp', 3], DataSignature: ['two-groups-signed-pgp', 4],
};

const load = (name: string): Promise<SifImage> => readSif(bufferByteSource(readFileSync(imagePath(name))), name);
const golden = (kind: string, name: string) => readFileSync(fixture('sif', 'expected', `TestApp_${kind}`, `${name}.golden`), 'utf8');

describe('SIF reader', () => {
  it('reads all 25 corpus images', async () => {
    const images = allImages();
    assert.strictEqual(images.length, 25);
    for (const file of images) {
      const image = await readSif(bufferByteSource(readFileSync(file)), path.basename(file));
      assert.strictEqual(image.header.version, '01', file);
    }
  });

  describe('matches siftool header output', () => {
    for (const [golden_, image] of Object.entries(GOLDEN_IMAGES)) {
      it(golden_, async () => assert.strictEqual(formatHeader(await load(image)), golden('Header', golden_)));
    }
  });

  describe('matches siftool list output', () => {
    for (const [golden_, image] of Object.entries(GOLDEN_IMAGES)) {
      it(golden_, async () => assert.strictEqual(formatList(await load(image)), golden('List', golden_)));
    }
  });

  describe('matches siftool info output', () => {
    for (const [golden_, [image, id]] of Object.entries(INFO_OBJECTS)) {
      it(golden_, async () => {
        const d = (await load(image)).descriptors.find((x) => x.id === id)!;
        assert.strictEqual(formatInfo(d), golden('Info', golden_));
      });
    }
  });

  it('reads object bytes as siftool dump does', async () => {
    const bytes = readFileSync(imagePath('one-group'));
    const image = await readSif(bufferByteSource(bytes));
    for (const [name, id] of [['One', 1], ['Two', 2]] as const) {
      const d = image.descriptors.find((x) => x.id === id)!;
      assert.deepStrictEqual(await readObject(bufferByteSource(bytes), d, 1 << 20), readFileSync(fixture('sif', 'expected', 'TestApp_Dump', `${name}.golden`)));
    }
  });

  it('reads the real Singularity 3.8.1 image: def file, metadata objects, signed squashfs', async () => {
    const image = await load('singularity-e2e-busybox_amd64');
    assert.strictEqual(image.header.launchScript, '#!/usr/bin/env run-singularity\n');
    assert.strictEqual(image.header.arch, 'amd64');
    assert.deepStrictEqual(image.descriptors.map((d) => [d.id, d.type, d.name]), [
      [1, 'Def.FILE', '.'], [2, 'JSON.Generic', 'inspect-metadata.json'], [3, 'JSON.Generic', 'oci-config.json'],
      [4, 'FS', image.descriptors[3].name], [5, 'Signature', '.'],
    ]);
    assert.match(image.descriptors[3].name, /^squashfs-\d+$/);
    const sig = image.descriptors[4];
    assert.ok(sig.extra.kind === 'signature' && sig.linkIsGroup && sig.linkedId === 1 && sig.extra.fingerprint.length === 40);
  });

  it('sizes like siftool', () => {
    assert.deepStrictEqual([0, 1, 1024, 2047, 28080, 1024 ** 3].map(readableSize), ['0 B', '1 B', '1 KiB', '2 KiB', '27 KiB', '1 GiB']);
  });
});
