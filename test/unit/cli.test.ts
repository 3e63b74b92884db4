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

  it('shows one command\'s help', () => {
    const r = cli('version', '--help');
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /^usage: reprolab version$/m);
  });
});
