import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { PidLineFilter, remoteCommandLine } from '../../src/core/host/ssh';

describe('the command line SshHost sends', () => {
  it('reports the PID, changes folder, sets the environment and execs the quoted argv', () => {
    const line = remoteCommandLine(['printf', '%s\\n', "it's $HOME"], { cwd: '/tmp', env: { A: 'x y' } });
    const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    assert.match(r.stderr, /^reprolab-pid:\d+\n$/);
    assert.strictEqual(r.stdout, "it's $HOME\n");
    const env = spawnSync('/bin/sh', ['-c', remoteCommandLine(['sh', '-c', 'printf "%s|%s" "$A" "$PWD"'], { cwd: '/tmp', env: { A: 'x y' } })], { encoding: 'utf8' });
    assert.strictEqual(env.stdout, 'x y|/tmp');
    const missing = spawnSync('/bin/sh', ['-c', remoteCommandLine(['true'], { cwd: '/nonexistent/dir' })], { encoding: 'utf8' });
    assert.strictEqual(missing.status, 1);
    const dash = spawnSync('/bin/sh', ['-c', remoteCommandLine(['pwd'], { cwd: '-' })], { encoding: 'utf8', cwd: '/tmp' });
    assert.strictEqual(dash.status, 1, 'cd -- - is a folder named "-", not the previous folder');
    assert.throws(() => remoteCommandLine(['true'], { env: { '-i': 'x' } }), /not a valid environment variable name/);
    const assignment = spawnSync('/bin/sh', ['-c', remoteCommandLine(['FOO=bar', 'x'], { env: { A: '1' } })], { encoding: 'utf8' });
    assert.match(assignment.stderr, /FOO=bar: (not found|No such file)/);
  });

  it('takes the PID line off stderr however the chunks fall, and passes everything else on', () => {
    const run = (chunks: string[]) => {
      let pid: number | undefined;
      const out: Buffer[] = [];
      const filter = new PidLineFilter((p) => (pid = p), (c) => out.push(c));
      for (const c of chunks) filter.push(Buffer.from(c));
      filter.end();
      return { pid, rest: Buffer.concat(out).toString() };
    };
    assert.deepStrictEqual(run(['reprolab-pid:42\nwarning: x\n']), { pid: 42, rest: 'warning: x\n' });
    assert.deepStrictEqual(run(['repro', 'lab-pid:7', '\n', 'tail']), { pid: 7, rest: 'tail' });
    assert.deepStrictEqual(run(['not a pid line\nmore']), { pid: undefined, rest: 'not a pid line\nmore' });
    assert.deepStrictEqual(run(['short']), { pid: undefined, rest: 'short' });
    // A login shell may speak first (Lmod, locale warnings): the marker is found after it.
    assert.deepStrictEqual(run(['Lmod: module loaded\n', 'bash: warning: setlocale\nreprolab-pid:99\n', 'real error\n']), { pid: 99, rest: 'Lmod: module loaded\nbash: warning: setlocale\nreal error\n' });
  });
});
