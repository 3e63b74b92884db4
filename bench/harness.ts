// Shared by the benchmarks: the real services, timing, and the results file.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SshHost } from '../src/core/host/ssh';
import { loadServices, servicesDir, Services, sshConfigFor } from '../test/integration/services';
import { repoRoot } from '../test/paths';

export interface BenchRow {
  name: string;
  /** What is compared, side by side. */
  ours: { label: string; value: number; unit: string };
  theirs: { label: string; value: number; unit: string };
  /** theirs / ours: how many times better ReproLab's way is (for times and bytes, higher is better). */
  ratio: number;
  note: string;
}

/** The test services, started (as root) when they are not up yet; returns how to stop them again. */
export function ensureServices(): { services: Services; stop: () => void } {
  if (fs.existsSync(path.join(servicesDir, 'services.json'))) return { services: loadServices(), stop: () => undefined };
  execFileSync('bash', [path.join(repoRoot, 'test', 'services', 'up.sh')], { stdio: 'inherit' });
  return { services: loadServices(), stop: () => execFileSync('bash', [path.join(repoRoot, 'test', 'services', 'down.sh')], { stdio: 'inherit' }) };
}

/** An SshHost to the test sshd as the test user, from a fresh ~/.ssh/config; close() removes it all. */
export function benchSshHost(services: Services): { host: SshHost; configFile: string; close: () => Promise<void> } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-bench-home-'));
  fs.mkdirSync(path.join(home, '.ssh'));
  const configFile = path.join(home, '.ssh', 'config');
  fs.writeFileSync(configFile, sshConfigFor(services, 'bench'));
  const host = new SshHost({
    name: 'bench', destination: 'bench', context: { home, localUser: 'root' },
    prompter: { prompt: async () => undefined, confirmHostKey: async () => false },
  });
  return {
    host,
    configFile,
    close: async () => {
      await host.dispose();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times `count` sequential runs of `run` in milliseconds. */
export async function timeEach(count: number, run: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** Writes bench/results.md and bench/results.json with every row, side by side. */
export function writeResults(rows: BenchRow[]): string {
  const file = path.join(repoRoot, 'bench', 'results.md');
  const fmt = (v: { label: string; value: number; unit: string }) => `${v.label}: ${v.value.toFixed(v.value < 10 ? 2 : 1)} ${v.unit}`;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${process.platform}, Node ${process.version}, ${os.cpus().length} cores).`,
    '',
    '| benchmark | ReproLab | the other way | ratio | note |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.ours)} | ${fmt(r.theirs)} | ${r.ratio.toFixed(1)}x | ${r.note} |`),
    '',
  ];
  fs.writeFileSync(file, lines.join('\n'));
  fs.writeFileSync(path.join(repoRoot, 'bench', 'results.json'), JSON.stringify(rows, null, 2) + '\n');
  return file;
}
