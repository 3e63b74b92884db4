import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalHost } from '../../src/core/host/local';
import { formatBytes, isSifName, listImageFolder } from '../../src/core/images/imageFolders';
import { fixture } from '../paths';

describe('image folders', () => {
  const local = new LocalHost();
  const listLocalImageFolder = (folder: string) => listImageFolder(local, folder);
  it('lists the real .sif images in a folder with their sizes', async () => {
    const listing = await listLocalImageFolder(fixture('sif'));
    assert.strictEqual(listing.error, undefined);
    assert.deepStrictEqual(
      listing.images.map((i) => [i.name, i.size]),
      [
        ['one-group.sif', 40960],
        ['singularity-e2e-busybox_amd64.sif', 792293],
      ],
    );
  });

  it('skips other files, folders named like images and dangling links', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-images-'));
    try {
      await fs.copyFile(fixture('sif', 'one-group.sif'), path.join(dir, 'b.SIF'));
      await fs.writeFile(path.join(dir, 'notes.txt'), 'x');
      await fs.mkdir(path.join(dir, 'folder.sif'));
      await fs.symlink(path.join(dir, 'missing'), path.join(dir, 'dangling.sif'));
      await fs.symlink(path.join(dir, 'b.SIF'), path.join(dir, 'a-link.sif'));
      const listing = await listLocalImageFolder(dir);
      assert.deepStrictEqual(listing.images.map((i) => i.name), ['a-link.sif', 'b.SIF']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('says what to do when the folder is missing or is a file', async () => {
    const missing = await listLocalImageFolder('/nonexistent/reprolab/images');
    assert.match(missing.error ?? '', /does not exist: create it or remove it/);
    const file = await listLocalImageFolder(fixture('SOURCES.md'));
    assert.match(file.error ?? '', /is a file, not a folder/);
  });

  it('recognises image names and formats sizes', () => {
    assert.ok(isSifName('lab.sif') && isSifName('LAB.SIF'));
    assert.ok(!isSifName('.sif') && !isSifName('lab.sif.txt'));
    assert.strictEqual(formatBytes(12), '12 B');
    assert.strictEqual(formatBytes(40960), '40 KiB');
    assert.strictEqual(formatBytes(1536), '1.5 KiB');
    assert.strictEqual(formatBytes(4 * 1024 ** 3), '4.0 GiB');
  });
});
