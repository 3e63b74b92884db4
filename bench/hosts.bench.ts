// Small commands on one reused ssh2 connection against spawning the system ssh client per command
// (what some Slurm extensions do), both against the same loopback sshd.
import { spawnSync } from 'child_process';
import { benchSshHost, BenchRow, median, timeEach } from './harness';
import { Services } from '../test/integration/services';

const COMMANDS = 200;

export async function benchHosts(services: Services): Promise<BenchRow[]> {
  const { host, configFile, close } = benchSshHost(services);
  try {
    await host.exec(['true']); // log in once, as a session would
    const reused = await timeEach(COMMANDS, async () => {
      const r = await host.exec(['true']);
      if (r.code !== 0) throw new Error('true failed over ssh2');
    });
    const sshArgs = ['-F', configFile, '-o', 'BatchMode=yes', '-o', 'ControlMaster=no', '-o', 'ControlPath=none', 'bench', 'true'];
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
    await close();
  }
}
