import * as assert from 'assert';
import { readFileSync } from 'fs';
import { parseDelimited } from '../../src/core/slurm/delimited';
import { isFinished, parseJobId, parseSacct, parseSqueue, parseState, squeueArgv } from '../../src/core/slurm/jobs';
import { fixture } from '../paths';

const read = (...p: string[]) => readFileSync(fixture('slurm', ...p), 'utf8');
const REPORTSEFF = ['AdminComment', 'AllocCPUS', 'Elapsed', 'JobID', 'JobIDRaw', 'MaxRSS', 'NNodes', 'NTasks', 'ReqMem', 'State', 'TotalCPU'];

describe('Slurm output', () => {
  it('reads squeue -O with the unit separator, keeping (null), N/A and replaced non-UTF-8 names', () => {
    const jobs = parseSqueue(read('ood-core_squeue_unitsep_null_fields_timeout.txt'), [], true);
    assert.ok(jobs.length >= 2);
    assert.deepStrictEqual([jobs[0].JOBID, jobs[0].STATE, jobs[0].TIME_LIMIT, jobs[0].TIME_LEFT, jobs[0].DEPENDENCY], ['6779842', 'RUNNING', '4-00:00:00', '3-20:07:29', '(null)']);
    assert.strictEqual(jobs[0].NAME, 'cupd3_n_fcc_mix_n15\x1fcohp', 'a separator inside a job name stays in the name');
    assert.strictEqual(jobs[1].NAME, 'ondemand/sys/dashboard/sys/bc_osc_vmd');
    assert.ok(jobs.some((j) => j.ST === 'TO' && j.TIME_LEFT === 'INVALID'), 'a TIMEOUT job with TIME_LEFT INVALID');
    const nonUtf8 = parseSqueue(read('ood-core_squeue_unitsep_non_utf8_job_name.txt'), [], true);
    assert.ok(nonUtf8[0].NAME.includes('\ufffd'));
    assert.notStrictEqual(nonUtf8[0].ARRAY_JOB_ID, undefined);
  });

  it('reads sacct --parsable with a multi-character delimiter and CANCELLED by N', () => {
    const rows = parseSacct(read('reportseff_sacct_parsable_caret-pipe-caret_delim_cancelled_failed.txt'), '^|^', {
      fields: [...REPORTSEFF.slice(0, 10), 'Timelimit', 'TotalCPU'], trailing: true,
    });
    assert.deepStrictEqual(parseState(rows[0].State), { state: 'CANCELLED', by: '129319' });
    assert.deepStrictEqual(rows.slice(1, 4).map((r) => [parseJobId(r.JobID).step ?? '', r.State]), [['', 'FAILED'], ['batch', 'FAILED'], ['extern', 'COMPLETED']]);
    const arrays = parseSacct(read('reportseff_sacct_parsable_caret-pipe-caret_delim_array_jobidraw.txt'), '^|^', { fields: REPORTSEFF, trailing: true });
    const task = arrays.find((r) => r.JobID === '24220929_421')!;
    assert.strictEqual(task.JobIDRaw, '24221219');
  });

  it('reads a field that holds a newline (SubmitLine) without breaking records', () => {
    const rows = parseSacct(read('from-issues', 'reportseff-issue63_sacct_parsable2_multiline_submitline.txt'), '^|^', {
      fields: ['AdminComment', 'AllocCPUS', 'Elapsed', 'JobID', 'JobIDRaw', 'MaxRSS', 'NNodes', 'NTasks', 'ReqMem', 'State', 'SubmitLine', 'Timelimit', 'TotalCPU'],
    });
    assert.deepStrictEqual(rows.map((r) => r.JobID), ['59374177', '59374177.interactive', '59374177.extern']);
    assert.strictEqual(rows[0].SubmitLine, 'srun  --interactive --pty bash -c echo hello &&\necho goodbye');
    assert.strictEqual(rows[0].TotalCPU, '00:00.042');
  });

  it('reads sacct -P with a header, TIMEOUT jobs whose batch step was CANCELLED', () => {
    const rows = parseSacct(read('tdhock-slurm_sacct_P_timeout_batch_cancelled_extern.txt'), '|');
    assert.deepStrictEqual([rows[0].JobID, rows[0].State, rows[1].State, rows[1].ExitCode], ['32641375', 'TIMEOUT', 'CANCELLED', '0:15']);
    assert.strictEqual(rows[0].AllocTRES, 'billing=1,cpu=1,mem=7996M,node=1');
  });

  it('reads a tab-delimited sacct whose Constraints hold a pipe', () => {
    const rows = parseSacct(read('tdhock-slurm_sacct_allcols_tab_delim_pipe_in_constraints.txt'), '\t');
    assert.ok(rows.some((r) => r.Constraints === '[broadwell|skylake]'));
  });

  it('reads the snowman-delimited sacct with its trailing delimiter', () => {
    const text = read('hb-jobinfo_sacct_parsable_snowman_delim.txt');
    const fields = 'JobID,JobName,User,Partition,NodeList,NNodes,NCPUs,NTasks,State,Submit,Start,End,Timelimit,Elapsed,TotalCPU,CPUTime,UserCPU,SystemCPU,ReqMem,MaxRSS,MaxVMSize,ReqTRES,AllocTRES,TRESUsageInMax,TRESUsageInTot,TRESUsageOutTot,MaxDiskRead,MaxDiskWrite,MaxRSSNode,MaxRSSTask,MaxVMSizeNode,MaxVMSizeTask,MaxDiskReadNode,MaxDiskReadTask,MaxDiskWriteNode,MaxDiskWriteTask,Comment'.split(',');
    const rows = parseSacct(text, '☃', { fields, trailing: true });
    assert.strictEqual(rows.length, text.trim().split('\n').length);
    const states = new Set(rows.map((r) => parseState(r.State).state));
    for (const s of ['COMPLETED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PENDING', 'RUNNING', 'CANCELLED']) assert.ok(states.has(s as never), s);
    assert.ok(rows.some((r) => parseJobId(r.JobID).task !== undefined));
  });

  it('reads job ids of arrays, pending ranges, hetjobs and steps', () => {
    assert.deepStrictEqual(parseJobId('5908801_3.batch'), { job: '5908801', task: '3', step: 'batch' });
    assert.deepStrictEqual(parseJobId('14022192_[1-3]'), { job: '14022192', task: '[1-3]' });
    assert.deepStrictEqual(parseJobId('67767+1'), { job: '67767', component: '1' });
    assert.deepStrictEqual(parseJobId('65552.1'), { job: '65552', step: '1' });
  });

  it('knows which states are final, in long and short forms', () => {
    assert.deepStrictEqual(['PD', 'R', 'CG', 'OUT_OF_ME+', 'NODE_FAIL', 'weird'].map((s) => parseState(s).state), ['PENDING', 'RUNNING', 'COMPLETING', 'UNKNOWN', 'NODE_FAIL', 'UNKNOWN']);
    assert.deepStrictEqual(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'PREEMPTED'].map((s) => isFinished(s as never)), [false, false, true, true, true, true, true]);
  });

  it('builds one squeue call for all of the user\'s jobs, array tasks included', () => {
    const argv = squeueArgv({ me: true });
    assert.deepStrictEqual(argv.slice(0, 5), ['squeue', '-h', '-r', '--me', '-O']);
    assert.ok(argv[5].startsWith('JobID:\x1f,ArrayJobID:\x1f,'), argv[5]);
  });

  it('cuts records by counting fields', () => {
    assert.deepStrictEqual(parseDelimited('a|b|\nc|d|\n', '|', 2, true), [['a', 'b'], ['c', 'd']]);
    assert.deepStrictEqual(parseDelimited('a|b\nc|d', '|', 2, false), [['a', 'b'], ['c', 'd']]);
    assert.deepStrictEqual(parseDelimited('', '|', 2, false), []);
  });
});
