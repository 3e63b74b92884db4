import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { repoRoot } from '../paths';

// Runs the bundled CLI exactly as a user would: node dist/cli.js ...
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI', () => {
  it('--help lists the subcommands and exits 0', () => {
    const r = cli('--help');
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /^usage: reprolab <command>/m);
    assert.match(r.out, /^ {2}help +show this help/m);
    assert.match(r.out, /^ {2}version +print the ReproLab version/m);
  });

  it('prints the version of the manifest', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.strictEqual(cli('--version').out, `${version}\n`);
    assert.strictEqual(cli('version').out, `${version}\n`);
  });

  it('exits 2 with a usage line on a bad command, bad arguments or none', () => {
    for (const args of [['frobnicate'], [], ['version', 'extra'], ['help', 'nope']]) {
      const r = cli(...args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.strictEqual(r.out, '');
      assert.match(r.err, /^usage: reprolab/m, args.join(' '));
    }
    assert.match(cli('frobnicate').err, /^reprolab: unknown command 'frobnicate'$/m);
  });

  it('sif inspect prints siftool-style header and objects, and the metadata', () => {
    const r = cli('sif', 'inspect', path.join(repoRoot, 'test', 'fixtures', 'sif', 'singularity-e2e-busybox_amd64.sif'));
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /^Primary Architecture: amd64$/m);
    assert.match(r.out, /^4 {4}\|1 {7}\|NONE {4}\|45056-790528 {14}\|FS \(Squashfs\/\*System\/amd64\)$/m);
    assert.match(r.out, /^Metadata from: {2}inspect-metadata.json$/m);
    assert.match(r.out, /^Signed: {9}1137E72E6816BFC06D9CAA0D15F3F4F4F14B03B2 \(SHA-256, group 1\)$/m);
  });

  it('sif inspect --json has the documented stable keys', () => {
    const r = cli('sif', 'inspect', '--json', path.join(repoRoot, 'test', 'fixtures', 'sif', 'one-group.sif'));
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepStrictEqual(Object.keys(json), ['file', 'size', 'header', 'descriptors', 'metadata', 'signed', 'signatures', 'partitions', 'warnings', 'bytesRead']);
    assert.deepStrictEqual(Object.keys(json.metadata), ['source', 'bootstrap', 'from', 'definition', 'labels', 'environment', 'runscript', 'startscript', 'test', 'help', 'apps']);
    assert.deepStrictEqual(json.descriptors.map((d: { id: number; type: string }) => [d.id, d.type]), [[1, 'FS'], [2, 'FS']]);
  });

  it('sif inspect fails with one line on a file that is not an image, and 2 on bad usage', () => {
    const r = cli('sif', 'inspect', path.join(repoRoot, 'package.json'));
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /^reprolab: .*package\.json is not a SIF image \(no SIF_MAGIC at byte 32\)\. Pick an Apptainer \.sif file, or rebuild it\.\n$/);
    assert.strictEqual(cli('sif', 'inspect', '/nonexistent.sif').err, 'reprolab: /nonexistent.sif does not exist.\n');
    assert.strictEqual(cli('sif', 'inspect').code, 2);
    assert.strictEqual(cli('sif', 'inspect', 'a.sif', '--yaml').code, 2);
    assert.strictEqual(cli('sif', 'frob').code, 2);
  });

  it('form --help-file prints the schema of saved help, as text or JSON', () => {
    const help = path.join(repoRoot, 'test', 'fixtures', 'abide-demo-help.txt');
    const text = cli('form', '--help-file', help);
    assert.strictEqual(text.code, 0, text.err);
    assert.match(text.out, /^ {2}--input-dir {2}\(required; path\?; default null\)$/m);
    assert.match(text.out, /^ {2}--mida, --no-mida {2}\(boolean; default false\)$/m);
    const json = JSON.parse(cli('form', '--help-file', help, '--json').out);
    assert.strictEqual(json.prog, 'abide-site-adaptation-demo');
    assert.strictEqual(json.groups.length, 7);
    assert.strictEqual(cli('form').code, 2);
    assert.match(cli('form', '--help-file', '/nonexistent/help.txt').err, /^reprolab: \/nonexistent\/help.txt does not exist\.$/m);
  });

  it('shows one command\'s help', () => {
    const r = cli('version', '--help');
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /^usage: reprolab version$/m);
  });
});
