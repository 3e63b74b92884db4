// Behaviour every Host must show, run against LocalHost in the unit tier and SshHost against the
// real sshd in the integration tier, so both implementations are held to one contract.
import * as assert from 'assert';
import * as http from 'http';
import { AddressInfo } from 'net';
import { Host, HostError } from '../src/core/host/host';

export interface ContractFixture {
  host: () => Host;
  /** A folder on the host the tests may write into. */
  scratch: () => string;
  /** Runs a shell command on the host's machine, outside the Host under test, to set things up. */
  sh: (script: string) => Promise<string>;
}

const isHostError = (kind: string) => (err: unknown) => err instanceof HostError && err.kind === kind;

export function hostContract(f: ContractFixture): void {
  it('runs a command and collects stdout, stderr and the exit code', async () => {
    const r = await f.host().exec(['sh', '-c', 'printf out; printf err >&2; exit 3']);
    assert.deepStrictEqual(r, { code: 3, signal: null, stdout: 'out', stderr: 'err' });
  });

  it('passes arguments, stdin, cwd and environment exactly', async () => {
    const odd = ["it's", '$HOME', '*', '', 'a\nb', '\u00e9\u{1F600}'];
    const args = await f.host().exec(['printf', '%s|', ...odd]);
    assert.strictEqual(args.stdout, odd.map((a) => `${a}|`).join(''));
    const input = await f.host().exec(['cat'], { stdin: 'line one\nline two\n' });
    assert.strictEqual(input.stdout, 'line one\nline two\n');
    const where = await f.host().exec(['sh', '-c', 'pwd; printf %s "$LAB_SEED"'], { cwd: f.scratch(), env: { LAB_SEED: '4 2' } });
    assert.strictEqual(where.stdout, `${f.scratch()}\n4 2`);
  });

  it('reports a signal that ended the command', async () => {
    const r = await f.host().exec(['sh', '-c', 'kill -TERM $$']);
    assert.deepStrictEqual([r.code, r.signal], [null, 'TERM']);
  });

  it('streams output as it is written, not at the end', async () => {
    const flag = `${f.scratch()}/go-${Date.now()}`;
    // The command waits for a file that the test creates only after the first chunk arrives,
    // so buffered output would never arrive and the test would time out.
    const chunks: string[] = [];
    let created = false;
    const running = f.host().stream(['sh', '-c', `echo first; while [ ! -e "$1" ]; do sleep 0.05; done; echo second`, 'sh', flag], {
      onStdout: (chunk) => {
        chunks.push(chunk.toString());
        if (!created) {
          created = true;
          void f.sh(`touch '${flag}'`);
        }
      },
    });
    const status = await running.done;
    assert.strictEqual(status.code, 0);
    assert.strictEqual(chunks.join(''), 'first\nsecond\n');
    assert.strictEqual(chunks[0], 'first\n');
  });

  it('cancels a command with its children and says so', async () => {
    const pidFile = `${f.scratch()}/child-${Date.now()}`;
    const controller = new AbortController();
    const running = f.host().stream(['sh', '-c', `sleep 300 & echo $! > "$1"; echo started; wait`, 'sh', pidFile], {
      onStdout: () => controller.abort(),
    }, { signal: controller.signal });
    await assert.rejects(running.done, isHostError('cancelled'));
    const child = (await f.sh(`cat '${pidFile}'`)).trim();
    let alive = 'alive';
    for (let i = 0; i < 50 && alive === 'alive'; i++) {
      alive = (await f.sh(`if kill -0 ${child} 2>/dev/null && ! grep -q '^State:.*Z' /proc/${child}/status; then echo alive; else echo gone; fi`)).trim();
      if (alive === 'alive') await new Promise((r) => setTimeout(r, 100));
    }
    assert.strictEqual(alive, 'gone', 'the background child was stopped with its group');
  });

  it('stops a command that outlives its timeout, even one that ignores TERM', async () => {
    await assert.rejects(f.host().exec(['sleep', '30'], { timeoutMs: 300 }), isHostError('timeout'));
    await assert.rejects(f.host().exec(['sh', '-c', 'trap "" TERM; sleep 30 & wait'], { timeoutMs: 300 }), isHostError('timeout'));
  });

  it('says when the working folder is missing', async () => {
    await assert.rejects(f.host().exec(['true'], { cwd: `${f.scratch()}/no-such-folder` }), (err: unknown) => err instanceof HostError && /no-such-folder/.test(err.message));
  });

  it('refuses ports out of range', async () => {
    await assert.rejects(f.host().forwardPort('127.0.0.1', 70000), isHostError('config'));
  });

  it('writes atomically with the asked mode, then stats, lists and reads ranges', async () => {
    const dir = f.scratch();
    const file = `${dir}/record-${Date.now()}.json`;
    await f.host().writeFile(file, 'old content');
    await f.host().writeFile(file, Buffer.from('0123456789'), { mode: 0o600 });
    const stat = await f.host().stat(file);
    assert.deepStrictEqual([stat.size, stat.isFile, stat.isDirectory, stat.mode], [10, true, false, 0o600]);
    assert.strictEqual((await f.host().readFile(file)).toString(), '0123456789');
    assert.strictEqual((await f.host().readRange(file, 3, 4)).toString(), '3456');
    assert.strictEqual((await f.host().readRange(file, 8, 100)).toString(), '89');
    assert.strictEqual((await f.host().readRange(file, 50, 10)).length, 0);
    await assert.rejects(f.host().readRange(file, -1, 2), isHostError('io'));
    const names = (await f.host().list(dir)).map((e) => e.name);
    assert.ok(names.includes(file.slice(dir.length + 1)));
    assert.ok(!names.some((n) => n.includes('.reprolab-')), `no temporary files left: ${names}`);
    assert.ok((await f.host().stat(dir)).isDirectory);
  });

  it('removes a file, and says so when it is already gone', async () => {
    const file = `${f.scratch()}/doomed-${Date.now()}.sif`;
    await f.host().writeFile(file, 'x');
    await f.host().remove(file);
    await assert.rejects(f.host().stat(file), isHostError('not-found'));
    await assert.rejects(f.host().remove(file), isHostError('not-found'));
  });

  it('says a missing file or folder does not exist', async () => {
    await assert.rejects(f.host().stat(`${f.scratch()}/missing`), isHostError('not-found'));
    await assert.rejects(f.host().readRange(`${f.scratch()}/missing`, 0, 1), isHostError('not-found'));
    await assert.rejects(f.host().list(`${f.scratch()}/missing`), isHostError('not-found'));
  });

  it('forwards a local port to an HTTP server', async () => {
    const server = http.createServer((req, res) => res.end(`hello ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const forward = await f.host().forwardPort('127.0.0.1', port);
    try {
      assert.notStrictEqual(forward.localPort, port);
      const answers = await Promise.all([1, 2, 3].map((i) => fetch(`http://127.0.0.1:${forward.localPort}/n${i}`).then((r) => r.text())));
      assert.deepStrictEqual(answers, ['hello /n1', 'hello /n2', 'hello /n3']);
    } finally {
      await forward.close();
      server.close();
    }
  });
}
