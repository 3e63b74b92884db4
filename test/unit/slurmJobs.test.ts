import * as assert from 'assert';
import { readFileSync } from 'fs';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalHost } from '../../src/core/host/local';
import { arrayIndices } from '../../src/core/runs/slurmRun';
import { followLog } from '../../src/core/slurm/logFollower';
import { LogLines } from '../../src/core/slurm/logLines';
import { jobFromSqueue, slurmError } from '../../src/core/slurm/poller';
import { expandLogPattern, logPathOf, parseScontrolJobs } from '../../src/core/slurm/scontrol';
import { parseSqueue } from '../../src/core/slurm/jobs';
import { fixture } from '../paths';

const read = (...p: string[]) => readFileSync(fixture('slurm', ...p), 'utf8');

describe('Slurm jobs', () => {
  it('reads multi-line scontrol show job output, job by job, with per-node lines and empty values', () => {
    const jobs = parseScontrolJobs(read('irush-cs_scontrol_show_job_detail_multi.txt'));
    assert.strictEqual(jobs.length, 9);
    assert.deepStrictEqual([jobs[0].JobId, jobs[0].JobName, jobs[0].JobState, jobs[0].NodeList, jobs[0].StdOut, jobs[0].Power], ['1', 'name1', 'RUNNING', 'node-[63-65]', '/location/with/out.txt', '']);
    assert.strictEqual(jobs[0].Nodes, 'node-63', 'the first per-node detail line');
    assert.strictEqual(jobs[0]['AllocNode:Sid'], 'node-04:3428');
    assert.deepStrictEqual([jobs[1].ArrayJobId, jobs[1].ArrayTaskId, jobs[1].TimeLimit], ['2398463', '150', '15-00:00:00']);
    assert.ok(jobs.some((j) => j.JobState === 'PENDING' && j.StartTime === 'Unknown'));
  });

  it('reads scontrol --oneliner output from Slurm 14, with Name= and a key holding a colon', () => {
    const [job] = parseScontrolJobs(read('fasrc-slyme_scontrol_oneliner_show_job_slurm14.txt'));
    assert.deepStrictEqual([job.JobId, job.Name, job.JobState, job['AllocNode:Sid'], job.Command], ['77454', 'cpu_user_parallel', 'RUNNING', 'hero4516:3504', '(null)']);
    assert.strictEqual(logPathOf(job), '/n/home_rc/jab/harvard/sw/slurm_utils/example_jobs/cpu_user_parallel.out');
  });

  it('expands the filename patterns sbatch does for --output', () => {
    const job = { jobId: '124', name: 'abide', arrayJobId: '120', arrayTaskId: '4', user: 'ada', node: 'gpu07' };
    assert.strictEqual(expandLogPattern('/o/%x-%j.out', job), '/o/abide-124.out');
    assert.strictEqual(expandLogPattern('/o/slurm-%A_%a.out', job), '/o/slurm-120_4.out');
    assert.strictEqual(expandLogPattern('/o/%u/%N/%3a-%%.log', job), '/o/ada/gpu07/004-%.log');
    assert.strictEqual(expandLogPattern('/o/%A_%a', { jobId: '7' }), '/o/7_%a', 'unknown placeholders stay as they are');
    const [record] = parseScontrolJobs('JobId=77 JobName=lab run\n   UserId=ada(1000) GroupId=ada(1000)\n   BatchHost=node1\n   StdOut=/home/ada/%x_%j_%u_%N.out\n');
    assert.strictEqual(record.JobName, 'lab run', 'a value with a space');
    assert.strictEqual(logPathOf(record), '/home/ada/lab run_77_ada_node1.out');
  });

  it('turns squeue records into jobs: array tasks, pending reasons, nodes', () => {
    const rows = parseSqueue(read('ood-core_squeue_unitsep_non_utf8_job_name.txt'), [], true);
    const job = jobFromSqueue({ ...rows[0], ArrayJobID: rows[0].ARRAY_JOB_ID, ArrayTaskID: rows[0].ARRAY_TASK_ID, StateCompact: rows[0].ST, NodeList: rows[0].NODELIST, Reason: rows[0].REASON });
    assert.deepStrictEqual([job.id, job.arrayJobId, job.arrayTaskId, job.state, job.nodes, job.reason], ['29471683_9', '29471683', '9', 'COMPLETED', 'p0220', undefined]);
    const pending = jobFromSqueue({ JobID: '41', ArrayJobID: '41', ArrayTaskID: 'N/A', Name: 'lab', UserName: 'ada', Partition: 'gpu', StateCompact: 'PD', Reason: 'Resources', TimeUsed: '0:00', TimeLimit: '1:00:00', NodeList: '', WorkDir: '/home/ada', StdOut: '/home/ada/slurm-41.out' });
    assert.deepStrictEqual([pending.id, pending.arrayJobId, pending.state, pending.reason, pending.nodes, pending.stdout], ['41', undefined, 'PENDING', 'Resources', undefined, '/home/ada/slurm-41.out']);
  });

  it('says a busy controller is busy, and other Slurm errors as they are', () => {
    const busy = slurmError('squeue', 'slurm_load_jobs error: Socket timed out on send/recv operation\n', 1);
    assert.match(busy.message, /did not answer squeue .*try again/);
    assert.strictEqual((busy as { kind?: string }).kind, 'timeout');
    assert.strictEqual(slurmError('squeue', 'squeue: error: Invalid user: nobody\n', 1).message, 'squeue failed: squeue: error: Invalid user: nobody');
  });

  it('expands seed lists as Slurm expands array specs', () => {
    assert.deepStrictEqual(arrayIndices('0-4'), [0, 1, 2, 3, 4]);
    assert.deepStrictEqual(arrayIndices('1,3,5'), [1, 3, 5]);
    assert.deepStrictEqual(arrayIndices('0-9:3%2'), [0, 3, 6, 9]);
    assert.throws(() => arrayIndices('0-4;rm'), /not a list of seeds/);
    assert.throws(() => arrayIndices('5-1'), /empty range/);
  });

  describe('log lines for an output channel', () => {
    const render = (chunks: (string | Buffer)[]) => {
      let out = '';
      const lines = new LogLines((t) => (out += t));
      chunks.forEach((c) => lines.push(c));
      lines.flush();
      return out;
    };

    it('keeps the last state of a line redrawn with \\r, and treats \\r\\n as a line end', () => {
      assert.strictEqual(render(['fold 1\r\n', ' 10%|#   |\r 50%|##  |', '\r100%|####|\n', 'done']), 'fold 1\n100%|####|\ndone\n');
    });

    it('drops ANSI colour and collapses runs of the same warning', () => {
      const warning = 'UserWarning: the least populated class has only 4 members\n';
      assert.strictEqual(render(['\x1b[1;33mstart\x1b[0m\n', warning, warning, warning, 'next\n', warning]), `start\n${warning}    [the line above repeated 2 more times]\nnext\n${warning}`);
    });

    it('decodes UTF-8 split across chunks', () => {
      const bytes = Buffer.from('score 0.70 ± 0.05\n');
      const cut = bytes.indexOf(0xb1);
      assert.strictEqual(render([bytes.subarray(0, cut), bytes.subarray(cut)]), 'score 0.70 ± 0.05\n');
    });
  });

  describe('following a log by offset', () => {
    const host = new LocalHost();
    let scratch = '';
    before(async () => {
      scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'reprolab-follow-'));
    });
    after(() => fs.rm(scratch, { recursive: true, force: true }));

    it('waits for the file, reads only new bytes as they are written, and stops when the job has ended', async () => {
      const file = path.join(scratch, 'slurm-1.out');
      const received: Buffer[] = [];
      let ended = false;
      const waits: string[] = [];
      const following = followLog(host, file, { onData: (c) => received.push(c), jobEnded: () => ended, onWait: (w) => waits.push(w), minPollMs: 20, maxPollMs: 60 });
      await new Promise((r) => setTimeout(r, 150));
      const parts = ['line 1\n', 'line 2 ', 'ends here\n', Buffer.alloc(300_000, 'x').toString() + '\n'];
      for (const part of parts) {
        await fs.appendFile(file, part);
        await new Promise((r) => setTimeout(r, 80));
      }
      ended = true;
      const result = await following;
      const all = Buffer.concat(received);
      assert.ok(waits.includes('no-file'), 'it waited while the file did not exist');
      assert.ok(received.length >= 3, 'pieces arrive as they are written, not at the end');
      assert.ok(all.equals(await fs.readFile(file)), 'what arrived equals the file');
      assert.strictEqual(result.bytesRead, all.length, 'no byte was read twice');
      assert.strictEqual(result.offset, all.length);
    });

    it('resumes at an offset and reads in bounded chunks', async () => {
      const file = path.join(scratch, 'resume.out');
      await fs.writeFile(file, 'already seen\nnew part\n');
      const received: Buffer[] = [];
      const result = await followLog(host, file, { onData: (c) => received.push(c), jobEnded: () => true, offset: 13, chunkBytes: 4, minPollMs: 5, maxPollMs: 10 });
      assert.strictEqual(Buffer.concat(received).toString(), 'new part\n');
      assert.ok(received.every((c) => c.length <= 4));
      assert.strictEqual(result.offset, 22);
    });

    it('says so when a job ended without writing its log', async () => {
      await assert.rejects(followLog(host, path.join(scratch, 'never.out'), { onData: () => undefined, jobEnded: () => true, minPollMs: 5, maxPollMs: 10 }), /ended without writing its log/);
    });

    it('stops when aborted', async () => {
      const controller = new AbortController();
      const file = path.join(scratch, 'aborted.out');
      await fs.writeFile(file, 'x\n');
      const following = followLog(host, file, { onData: () => undefined, jobEnded: () => false, signal: controller.signal, minPollMs: 5, maxPollMs: 10 });
      setTimeout(() => controller.abort(), 50);
      assert.strictEqual((await following).offset, 2);
    });
  });
});
