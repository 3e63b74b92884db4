// The alloy extraction notebook on a real Jupyter Server that a Slurm job starts inside a real SIF
// (through the stand-in apptainer), reached over the real sshd and a forwarded port; uploaded and run
// through the REST API and a real kernel, every cell but the two that need the model.
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import { ServerConnection } from '@jupyterlab/services';
import { PortForward } from '../../src/core/host/host';
import { SshHost } from '../../src/core/host/ssh';
import { checkKernel, contentsOf, downloadFile, runCode, serverSettings, startKernel, StartedKernel, uploadFile, uploadNotebook, waitForServer } from '../../src/core/jupyter/jupyterClient';
import { codeCells, fillParameters, NOTEBOOK_FILE } from '../../src/core/jupyter/notebookTemplate';
import { JOB_FILES, JupyterConnection, startJupyterJob, StartedJupyterJob, waitForConnection } from '../../src/core/jupyter/serverJob';
import { cancelJob } from '../../src/core/slurm/submit';
import { fixture, repoRoot } from '../paths';
import { loadServices } from './services';
import { labConfig, makeHome, newHost, ScriptedUser } from './sshFixtures';

const services = loadServices();
const template = fs.readFileSync(`${repoRoot}/media/notebooks/${NOTEBOOK_FILE}`, 'utf8');
const ALLOYS = ['FeCoNiCrMnAl', 'FeCoNiCrMnTi', 'FeCoNiCrMnZr'];

describe('The alloy notebook on a Jupyter server that Slurm runs inside an image', function () {
  this.timeout(300000);
  // A token that looks like a Hugging Face one, made fresh, so any copy of it can be found.
  const sentinel = `hf_reprolabSentinel${randomBytes(12).toString('hex')}`;
  let home: string;
  let host: SshHost;
  let job: StartedJupyterJob;
  let connection: JupyterConnection;
  let forward: PortForward;
  let settings: ServerConnection.ISettings;
  let kernel: StartedKernel | undefined;

  before(async () => {
    const image = services.images.notebook;
    assert.ok(image, 'services.json names the notebook image: restart the services with test/services/up.sh');
    home = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none']), { knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8') });
    host = newHost(home, new ScriptedUser());
    const folder = `${await host.home()}/reprolab-jupyter/test-${Date.now()}`;
    // No GPU on the test cluster: the GPU setting is empty, so neither --gres nor --nv.
    job = await startJupyterJob(host, { apptainer: 'apptainer', image, folder, partition: services.slurm.partition, time: '15:00', gres: '' }, sentinel);
    connection = await waitForConnection(host, job, { intervalMs: 500 });
    forward = await host.forwardPort(connection.host, connection.port);
    settings = serverSettings(`http://127.0.0.1:${forward.localPort}`, connection.token);
    await waitForServer(settings, { intervalMs: 500 });
  });
  after(async () => {
    await kernel?.stop();
    await forward?.close();
    if (job) await cancelJob(host, job.jobId).catch(() => undefined);
    if (job) await host.exec(['rm', '-rf', '--', job.folder]);
    await host?.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('writes host, port and a fresh token to a 0600 connection file once the server listens', async () => {
    assert.strictEqual(connection.host, 'localhost', 'the node Slurm ran it on');
    assert.match(connection.token, /^[0-9a-f]{48}$/);
    const stat = await host.stat(`${job.folder}/${JOB_FILES.connection}`);
    assert.strictEqual(stat.mode & 0o777, 0o600);
    assert.strictEqual((await host.stat(job.folder)).mode & 0o777, 0o700);
    const refused = await ServerConnection.makeRequest(`${settings.baseUrl}api/contents`, {}, serverSettings(settings.baseUrl, 'ab'.repeat(24)));
    assert.strictEqual(refused.status, 403, 'another token is refused');
  });

  it('starts a kernel that answers with the image\'s Python', async () => {
    const check = await checkKernel(settings);
    assert.strictEqual(check.kernelName, 'python3');
    assert.match(check.python, /^3\.11\./);
    assert.strictEqual(check.gpu, 'unknown (no PyTorch)');
  });

  it('uploads the notebook and the PDF through the contents API, byte for byte', async () => {
    const contents = contentsOf(settings);
    const notebook = fillParameters(template, { pdfPaths: ['papers/dummy_alloy_paper.pdf'], modelId: 'meta-llama/Llama-3.2-3B-Instruct', quantisation: '4bit', chunkChars: 3000, outputDir: 'outputs' });
    const pdf = fs.readFileSync(fixture('alloy-extraction', 'dummy_alloy_paper.pdf'));
    await uploadNotebook(contents, `alloy/${NOTEBOOK_FILE}`, notebook);
    await uploadFile(contents, 'alloy/papers/dummy_alloy_paper.pdf', pdf);
    assert.deepStrictEqual(await downloadFile(contents, 'alloy/papers/dummy_alloy_paper.pdf'), pdf);
    assert.deepStrictEqual(await host.readFile(`${job.folder}/${JOB_FILES.notebooks}/alloy/papers/dummy_alloy_paper.pdf`), pdf, 'on the cluster, in the job\'s notebooks folder');
    const saved = JSON.parse((await host.readFile(`${job.folder}/${JOB_FILES.notebooks}/alloy/${NOTEBOOK_FILE}`)).toString('utf8'));
    assert.deepStrictEqual(saved.cells.map((c: { id: string }) => c.id), JSON.parse(notebook).cells.map((c: { id: string }) => c.id));
  });

  it('runs every cell but the model\'s on a real kernel: text, cleaning, and a recorded answer parsed into JSON and CSV', async () => {
    const contents = contentsOf(settings);
    // The model's answers as the extraction cell writes them, recorded with malformed objects among them.
    await uploadFile(contents, 'alloy/outputs/dummy_alloy_paper.answers.json', fs.readFileSync(fixture('alloy-extraction', 'dummy_alloy_paper.answers.json')));
    kernel = await startKernel(settings, 'python3', { path: `${job.folder}/${JOB_FILES.notebooks}/alloy` });
    const notebook = (await downloadFile(contents, `alloy/${NOTEBOOK_FILE}`)).toString('utf8');
    const outputs: Record<string, string> = {};
    for (const cell of codeCells(notebook).filter((c) => !c.tags.includes('llm'))) {
      const result = await runCode(kernel.kernel, cell.source);
      assert.strictEqual(result.status, 'ok', `${cell.id}: ${result.error} ${result.stderr}`);
      outputs[cell.id] = result.stdout + result.displays.map((d) => d.html ?? d.text ?? '').join('');
    }
    assert.match(outputs['pdf-to-text'], /dummy_alloy_paper\.pdf: \d+ characters through pypdf/);
    assert.match(outputs.cleaning, /dropped: ACKNOWLEDGEMENTS, DECLARATION OF COMPETING INTEREST, REFERENCES/);
    const probe = await runCode(kernel.kernel, [
      'import json',
      'text, clean = TEXTS["dummy_alloy_paper"], CLEAN["dummy_alloy_paper"]',
      `print(json.dumps({"text": [a in text for a in ${JSON.stringify(ALLOYS)}], "clean": [a in clean for a in ${JSON.stringify(ALLOYS)}],`,
      '  "references": ["Nonymous" in text, "Nonymous" in clean, "REFERENCES" in clean, "The authors thank" in clean, "competing finan" in clean],',
      '  "margin numbers": bool(re.search(r"attention \\d+$", clean, re.M)), "hyphens": "element alloys" in clean}))',
    ].join('\n'));
    assert.deepStrictEqual(JSON.parse(probe.stdout), { text: [true, true, true], clean: [true, true, true], references: [true, false, false, false, false], 'margin numbers': false, hyphens: true });
    assert.match(outputs.parse, /9 record\(s\) in 3 answer\(s\), 5 after removing repeats; 4 problem\(s\)/);
    assert.match(outputs.parse, /chunk 1, character 236: not valid JSON/);
    assert.match(outputs.parse, /phase "Ordered B2" is not in the vocabulary/);
    assert.match(outputs.results, /<table><tr><th>Alloy<\/th><th>Phase<\/th><\/tr><tr><td>FeCoNiCrMnAl<\/td><td>FCC<\/td><\/tr>/);
    for (const [file, expected] of [['json', 'expected.json'], ['csv', 'expected.csv'], ['problems.json', 'expected-problems.json']]) {
      const written = (await downloadFile(contents, `alloy/outputs/dummy_alloy_paper.${file}`)).toString('utf8');
      assert.strictEqual(written, fs.readFileSync(fixture('alloy-extraction', `dummy_alloy_paper.${expected}`), 'utf8'), file);
    }
    assert.doesNotMatch(Object.values(outputs).join('\n'), new RegExp(sentinel));
  });

  it('hands the Hugging Face token to the kernel in HF_TOKEN', async () => {
    const digest = await runCode(kernel!.kernel, 'import hashlib, os; print(hashlib.sha256(os.environ.get("HF_TOKEN", "").encode()).hexdigest())');
    assert.strictEqual(digest.stdout.trim(), createHash('sha256').update(sentinel).digest('hex'));
  });

  it('reports a job whose image has no Jupyter with the last lines of its log, without waiting on', async () => {
    const folder = `${await host.home()}/reprolab-jupyter/test-nojupyter-${Date.now()}`;
    const failing = await startJupyterJob(host, { apptainer: 'apptainer', image: services.images.lab, folder, partition: services.slurm.partition, time: '5:00', gres: '' });
    try {
      await assert.rejects(waitForConnection(host, failing, { intervalMs: 500 }), (err: Error) => {
        assert.match(err.message, new RegExp(`^The Jupyter job ${failing.jobId} ended FAILED \\(exit \\d+\\) before its server answered: .*jupyter: not found.* See ${failing.logPath}\\.$`));
        return true;
      });
    } finally {
      await host.exec(['rm', '-rf', '--', folder]);
    }
  });

  it('leaves the token in no file, log or script of the job, nor on any command line', async () => {
    await kernel?.stop();
    kernel = undefined;
    const commandLines = await host.exec(['ps', '-eo', 'args']);
    assert.ok(commandLines.stdout.includes('jupyter server'), 'the server is still running');
    assert.ok(!commandLines.stdout.includes(sentinel), 'no command line carries the token');
    await cancelJob(host, job.jobId);
    for (let i = 0; i < 100 && (await host.exec(['squeue', '-h', '-j', job.jobId])).stdout.trim(); i++) await new Promise((r) => setTimeout(r, 300));
    const files = await host.exec(['find', job.folder, '-type', 'f']);
    assert.ok(files.stdout.includes(`slurm-${job.jobId}.out`) && files.stdout.includes(JOB_FILES.script), files.stdout);
    assert.ok(!files.stdout.includes(`/${JOB_FILES.hfToken}\n`), 'the token file was read and deleted');
    const grep = await host.exec(['grep', '-rlF', '--', sentinel, job.folder]);
    assert.strictEqual(grep.code, 1, `no file holds the token: ${grep.stdout}${grep.stderr}`);
    assert.ok(!job.script.includes(sentinel));
  });
});
