// npm run bench: every benchmark, side by side, into bench/results.md. Needs root on Debian (it
// starts the test services when they are not running).
import { benchHosts } from './hosts.bench';
import { benchJobs } from './jobs.bench';
import { benchScores } from './scores.bench';
import { benchSif } from './sif.bench';
import { BenchRow, ensureServices, writeResults } from './harness';

async function main(): Promise<void> {
  const { services, stop } = ensureServices();
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await benchHosts(services)));
    rows.push(...(await benchSif(services)));
    rows.push(...(await benchScores()));
    rows.push(...(await benchJobs(services)));
  } finally {
    stop();
  }
  for (const row of rows) console.log(`${row.name}: ${row.ours.label} ${row.ours.value.toFixed(2)} ${row.ours.unit}, ${row.theirs.label} ${row.theirs.value.toFixed(2)} ${row.theirs.unit} (${row.ratio.toFixed(1)}x)`);
  console.log(`results written to ${writeResults(rows)}`);
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
