// Jobs against the real Slurm over the real sshd: commands and wall time per refresh for 1, 100 and
// 1000 queued jobs (one squeue call against one scontrol call per job); parse time of a
// 10,000-job squeue output; and following a growing log by offset against re-reading it every 5 s.
import { SshHost } from '../src/core/host/ssh';
import { parseSqueue, SEPARATOR, SQUEUE_FIELDS } from '../src/core/slurm/jobs';
import { followLog } from '../src/core/slurm/logFollower';
import { jobFromSqueue, JobPoller } from '../src/core/slurm/poller';
import { parseScontrolJobs } from '../src/core/slurm/scontrol';
import { Services } from '../test/integration/services';
import { benchSshHost, BenchRow, median, timeEach } from './harness';

const REFRESHES = 5;

export async function benchJobs(services: Services): Promise<BenchRow[]> {
  const { host, close } = benchSshHost(services);
  const rows: BenchRow[] = [];
  try {
    for (const count of [1, 100, 1000]) rows.push(await refreshRow(host, count));
    rows.push(parseRow());
    rows.push(...(await followRows(host)));
  } finally {
    await host.exec(['sh', '-c', 'scancel -u "$(id -un)"']).catch(() => undefined);
    await close();
  }
  return rows;
}

/** `count` held jobs in the queue (one array), refreshed both ways. */
async function refreshRow(host: SshHost, count: number): Promise<BenchRow> {
  await host.exec(['sh', '-c', 'scancel -u "$(id -un)"']);
  const submitted = await host.exec(['sbatch', '--parsable', '--hold', `--array=0-${count - 1}`, '--output=/dev/null', '--wrap', 'true']);
  if (submitted.code !== 0) throw new Error(`sbatch failed: ${submitted.stderr}`);
  const array = submitted.stdout.trim();
  const poller = new JobPoller(host);
  await poller.refresh(); // the one-time probe of squeue's version
  const before = poller.commands;
  const ours = await timeEach(REFRESHES, async () => {
    const snapshot = await poller.refresh();
    if (snapshot.queued.length !== count) throw new Error(`squeue listed ${snapshot.queued.length} of ${count} jobs`);
  });
  const oursCommands = (poller.commands - before) / REFRESHES;
  // The other way: list the ids, then one `scontrol show job` per job for its details.
  let theirsCommands = 0;
  const theirs = await timeEach(REFRESHES, async () => {
    const ids = await host.exec(['squeue', '-h', '-r', '-o', '%i', '-u', 'tester']);
    theirsCommands++;
    for (const id of ids.stdout.trim().split('\n')) {
      const shown = await host.exec(['scontrol', 'show', 'job', id]);
      theirsCommands++;
      if (parseScontrolJobs(shown.stdout).length !== 1) throw new Error(`scontrol show job ${id} failed`);
    }
  });
  await host.exec(['scancel', array]);
  return {
    name: `refresh of ${count} queued job${count === 1 ? '' : 's'}, median wall time`,
    ours: { label: `one squeue -O call (${oursCommands} command${oursCommands === 1 ? '' : 's'} per refresh)`, value: median(ours), unit: 'ms' },
    theirs: { label: `squeue for ids, then scontrol show job per job (${theirsCommands / REFRESHES} commands)`, value: median(theirs), unit: 'ms' },
    ratio: median(theirs) / median(ours),
    note: 'same single-node Slurm 22.05, over one ssh2 connection; held array tasks',
  };
}

/** 10,000 jobs: squeue -O with the unit separator, against the same jobs as scontrol show job text. */
function parseRow(): BenchRow {
  const squeue: string[] = [];
  const scontrol: string[] = [];
  for (let i = 0; i < 10000; i++) {
    const values = [`${1000 + i}`, `${1000 + i}`, 'N/A', `lab-${i}`, 'tester', 'debug', i % 3 ? 'PD' : 'R', i % 3 ? 'Resources' : 'None', '1:23', '5:00', i % 3 ? '' : 'node1', '/home/tester', `/home/tester/slurm-${1000 + i}.out`];
    squeue.push(values.map((v) => `${v}${SEPARATOR}`).join(''));
    scontrol.push(`JobId=${1000 + i} JobName=lab-${i}\n   UserId=tester(1000) GroupId=tester(1000)\n   JobState=${i % 3 ? 'PENDING' : 'RUNNING'} Reason=${i % 3 ? 'Resources' : 'None'} Dependency=(null)\n   RunTime=00:01:23 TimeLimit=00:05:00\n   Partition=debug NodeList=${i % 3 ? '(null)' : 'node1'}\n   WorkDir=/home/tester\n   StdOut=/home/tester/slurm-${1000 + i}.out\n`);
  }
  const squeueText = squeue.join('\n') + '\n';
  const scontrolText = scontrol.join('\n');
  const ours = median(timeEachSync(9, () => parseSqueue(squeueText, SQUEUE_FIELDS).map(jobFromSqueue)));
  const theirs = median(timeEachSync(9, () => parseScontrolJobs(scontrolText)));
  return {
    name: 'parse 10,000 jobs, median',
    ours: { label: 'squeue -O with 0x1F separators into jobs', value: ours, unit: 'ms' },
    theirs: { label: 'the same jobs from scontrol show job text', value: theirs, unit: 'ms' },
    ratio: theirs / ours,
    note: `${(squeueText.length / 1024).toFixed(0)} KiB against ${(scontrolText.length / 1024).toFixed(0)} KiB of text`,
  };
}

function timeEachSync(count: number, run: () => unknown): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/**
 * A log that gets a 1 KiB line every 100 ms for 20 s on the login node, followed by offset and,
 * at the same time, re-read whole every 5 s. Each line carries the time it was written.
 */
async function followRows(host: SshHost): Promise<BenchRow[]> {
  const dir = (await host.exec(['mktemp', '-d'])).stdout.trim();
  const file = `${dir}/job.out`;
  const LINES = 200;
  const writer = host.exec(['sh', '-c', `pad=$(head -c 1000 /dev/zero | tr '\\0' x); for i in $(seq 1 ${LINES}); do echo "$(date +%s%3N) $pad" >> "$1"; sleep 0.1; done`, 'writer', file]);
  let done = false;
  void writer.finally(() => (done = true));
  const arrival = (text: string, at: number, into: number[], seen: Set<string>) => {
    for (const line of text.split('\n')) {
      const stamp = line.split(' ')[0];
      if (!line || seen.has(stamp + line.length)) continue;
      seen.add(stamp + line.length);
      into.push(at - Number(stamp));
    }
  };
  const followed: number[] = [];
  const followedSeen = new Set<string>();
  let pending = '';
  const follower = followLog(host, file, {
    onData: (chunk) => {
      const text = pending + chunk.toString();
      const cut = text.lastIndexOf('\n') + 1;
      arrival(text.slice(0, cut), Date.now(), followed, followedSeen);
      pending = text.slice(cut);
    },
    jobEnded: () => done,
  });
  const reread: number[] = [];
  const rereadSeen = new Set<string>();
  let rereadBytes = 0;
  const rereader = (async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 5000));
      const finished = done;
      const text = (await host.readFile(file)).toString();
      rereadBytes += Buffer.byteLength(text);
      arrival(text, Date.now(), reread, rereadSeen);
      if (finished) return;
    }
  })();
  const result = await follower;
  await rereader;
  await host.exec(['rm', '-rf', '--', dir]);
  if (followed.length !== LINES || reread.length !== LINES) throw new Error(`lines seen: followed ${followed.length}, re-read ${reread.length}, of ${LINES}`);
  return [
    {
      name: `latency from a log line written to its arrival (${LINES} lines over 20 s), median`,
      ours: { label: 'follow by offset (250 ms–2 s polls)', value: median(followed), unit: 'ms' },
      theirs: { label: 're-read the whole file every 5 s', value: median(reread), unit: 'ms' },
      ratio: median(reread) / median(followed),
      note: 'same login node and connection, both at once',
    },
    {
      name: 'bytes transferred to follow that log',
      ours: { label: 'follow by offset', value: result.bytesRead / 1024, unit: 'KiB' },
      theirs: { label: 're-read the whole file every 5 s', value: rereadBytes / 1024, unit: 'KiB' },
      ratio: rereadBytes / result.bytesRead,
      note: `the file ends at ${(result.offset / 1024).toFixed(0)} KiB; ${result.calls} stat/read calls by the follower`,
    },
  ];
}
