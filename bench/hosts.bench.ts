// Small commands on one reused ssh2 connection against spawning the system ssh client per command
// (what some Slurm extensions do), both against the same loopback sshd.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SshHost } from '../src/core/host/ssh';
import { BenchRow, median, timeEach } from './harness';
import { Services, sshConfigFor } from '../test/integration/services';

const COMMANDS = 200;

export async function benchHosts(services: Services): Promise<BenchRow[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-bench-'));
  fs.mkdirSync(path.join(home, '.ssh'));
  fs.writeFileSync(path.join(home, '.ssh', 'config'), sshConfigFor(services, 'bench'));
  const host = new SshHost({
    name: 'bench', destination: 'bench', context: { home, localUser: 'root' },
    prompter: { prompt: async () => undefined, confirmHostKey: async () => false },
  });
  try {
    await host.exec(['true']); // log in once, as a session would
    const reused = await timeEach(COMMANDS, async () => {
      const r = await host.exec(['true']);
      if (r.code !== 0) throw new Error('true failed over ssh2');
    });
    const sshArgs = ['-F', path.join(home, '.ssh', 'config'), '-o', 'BatchMode=yes', '-o', 'ControlMaster=no', '-o', 'ControlPath=none', 'bench', 'true'];
    const spawned = await timeEach(COMMANDS, () => {
      const r = spawnSync('ssh', sshArgs);
      if (r.status !== 0) throw new Error(`ssh failed: ${r.stderr}`);
    });
    const ours = median(reused);
    const theirs = median(spawned);
    return [{
      name: `${COMMANDS} small commands (\`true\`), median per command`,
      ours: { label: 'one reused ssh2 connection', value: ours, unit: 'ms' },
      theirs: { label: 'system ssh spawned per command', value: theirs, unit: 'ms' },
      ratio: theirs / ours,
      note: `same loopback sshd; totals ${(reused.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s vs ${(spawned.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s`,
    }];
  } finally {
    await host.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
