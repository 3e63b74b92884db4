import * as assert from 'assert';
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { HostError } from '../../src/core/host/host';
import { LocalHost } from '../../src/core/host/local';
import { hostContract } from '../hostContract';

describe('LocalHost', () => {
  const host = new LocalHost();
  let scratch = '';
  before(async () => {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-local-')));
  });
  after(() => fs.rm(scratch, { recursive: true, force: true }));

  hostContract({
    host: () => host,
    scratch: () => scratch,
    sh: async (script) => (await promisify(execFile)('sh', ['-c', script])).stdout,
  });

  it('runs no shell unless asked: metacharacters reach the program as they are', async () => {
    const r = await host.exec(['echo', '$(id)', '&&', 'rm', '-rf', '~']);
    assert.strictEqual(r.stdout, '$(id) && rm -rf ~\n');
  });

  it('says when a program is not installed', async () => {
    await assert.rejects(host.exec(['reprolab-no-such-program']), (err: unknown) =>
      err instanceof HostError && err.kind === 'not-found' && /was not found on this machine/.test(err.message));
  });

  it('refuses a NUL byte in an argument before running anything', () => {
    assert.throws(() => host.stream(['echo', 'a\0b'], {}), /NUL byte/);
  });
});
