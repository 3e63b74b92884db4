import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { checkParameters, codeCells, fillParameters, NOTEBOOK_FILE, NotebookParameters } from '../../src/core/jupyter/notebookTemplate';
import { parseConnection, renderJupyterJob } from '../../src/core/jupyter/serverJob';
import { repoRoot } from '../paths';

const template = readFileSync(path.join(repoRoot, 'media', 'notebooks', NOTEBOOK_FILE), 'utf8');
const params: NotebookParameters = {
  pdfPaths: ['papers/dummy_alloy_paper.pdf', "/scratch/it's here/b.pdf"],
  modelId: 'Qwen/Qwen2.5-1.5B-Instruct',
  quantisation: '8bit',
  chunkChars: 2500,
  outputDir: '/scratch/out "x"',
};

describe('the alloy extraction notebook', () => {
  it('is a notebook of plain Python cells for VS Code and HPC: no Colab forms, shell escapes or restarts', () => {
    const cells = codeCells(template);
    assert.ok(cells.length >= 9);
    for (const cell of cells) {
      assert.doesNotMatch(cell.source, /google\.colab|#\s*@(param|title|markdown)|^\s*[!%]|os\.kill|get_ipython\(\)\.kernel\.do_shutdown|\bexit\(\)/m, cell.id);
      const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: cell.source, encoding: 'utf8' });
      assert.strictEqual(parsed.status, 0, `${cell.id} is valid Python: ${parsed.stderr}`);
    }
    assert.deepStrictEqual(cells.filter((c) => c.tags.includes('llm')).map((c) => c.id), ['load-model', 'extract'], 'only the model cells need a GPU');
    assert.match(cells.find((c) => c.id === 'load-model')!.source, /pipeline\("text-generation"/);
    assert.match(cells.find((c) => c.id === 'load-model')!.source, /BitsAndBytesConfig\(load_in_4bit=True/);
  });

  it('reads the Hugging Face token from HF_TOKEN and never prints or stores it', () => {
    const login = codeCells(template).find((c) => c.id === 'login')!.source;
    assert.match(login, /os\.environ\.get\("HF_TOKEN"\)/);
    assert.doesNotMatch(template, /print\([^)]*environ\["HF_TOKEN"\]\)|login\(|hf_[A-Za-z0-9]{10,}/);
  });

  it('fills the parameters cell, keeping its comments and every other cell as it was', () => {
    const filled = fillParameters(template, params);
    const before = codeCells(template);
    const after = codeCells(filled);
    const cell = after.find((c) => c.tags.includes('parameters'))!;
    assert.match(cell.source, /^PDF_PATHS = \["papers\/dummy_alloy_paper\.pdf", "\/scratch\/it's here\/b\.pdf"\] {2}# PDF files/m);
    assert.match(cell.source, /^MODEL_ID = "Qwen\/Qwen2\.5-1\.5B-Instruct" {2}#/m);
    assert.match(cell.source, /^QUANTISATION = "8bit" {2}#/m);
    assert.match(cell.source, /^CHUNK_CHARS = 2500 {2}#/m);
    assert.match(cell.source, /^OUTPUT_DIR = "\/scratch\/out \\"x\\"" {2}#/m);
    assert.match(cell.source, /^CHUNK_OVERLAP = 200 {2}#/m, 'parameters not chosen here stay');
    const run = spawnSync('python3', ['-c', `${cell.source}\nimport json; print(json.dumps([PDF_PATHS, MODEL_ID, QUANTISATION, CHUNK_CHARS, OUTPUT_DIR]))`], { encoding: 'utf8' });
    assert.deepStrictEqual(JSON.parse(run.stdout), [params.pdfPaths, params.modelId, params.quantisation, params.chunkChars, params.outputDir]);
    assert.deepStrictEqual(after.filter((c) => c !== cell), before.filter((c) => !c.tags.includes('parameters')));
  });

  it('refuses parameters the notebook could not run with, saying what to change', () => {
    assert.throws(() => checkParameters({ ...params, pdfPaths: [] }), /at least one PDF/);
    assert.throws(() => checkParameters({ ...params, pdfPaths: ['notes.txt'] }), /not a PDF/);
    assert.throws(() => checkParameters({ ...params, modelId: 'meta llama; rm -rf /' }), /not a Hugging Face model id/);
    assert.throws(() => checkParameters({ ...params, quantisation: '3bit' as never }), /none, 4bit, 8bit/);
    assert.throws(() => checkParameters({ ...params, chunkChars: 10 }), /500 to 100000/);
    assert.throws(() => fillParameters('{"cells": [], "nbformat": 4}', params), /no cell tagged "parameters"/);
  });
});

describe('the Jupyter server job', () => {
  const request = { apptainer: 'apptainer', image: '/images/llm lab.sif', folder: '/home/u/reprolab-jupyter/job 1', partition: 'gpu', time: '04:00:00', gres: 'gpu:1', memory: '32G', cpus: 8 };

  it('renders a batch script bash accepts: GPU resources and --nv, the image quoted, no token in it', () => {
    const script = renderJupyterJob(request);
    assert.strictEqual(spawnSync('bash', ['-n'], { input: script }).status, 0);
    for (const line of ['#SBATCH --partition=gpu', '#SBATCH --time=04:00:00', '#SBATCH --gres=gpu:1', '#SBATCH --mem=32G', '#SBATCH --cpus-per-task=8', '#SBATCH --output=/home/u/reprolab-jupyter/job 1/slurm-%j.out']) {
      assert.ok(script.split('\n').includes(line), line);
    }
    assert.match(script, /^apptainer exec --nv '\/images\/llm lab\.sif' jupyter server --no-browser --ip=0\.0\.0\.0 '--ServerApp\.root_dir=\/home\/u\/reprolab-jupyter\/job 1\/notebooks' --ServerApp\.port_retries=50 --port=\$\(\(20000 \+ RANDOM % 40000\)\) &$/m);
    assert.match(script, /^cd '\/home\/u\/reprolab-jupyter\/job 1'$/m);
    assert.match(script, /^umask 077$/m);
    assert.match(script, /rm -f hf-token/);
    assert.doesNotMatch(script, /token=|--NotebookApp\.token|--ServerApp\.token|echo "\$(HF|JUPYTER)_TOKEN/);
  });

  it('asks for no GPU and no --nv when the GPU setting is empty', () => {
    const script = renderJupyterJob({ ...request, gres: '' });
    assert.doesNotMatch(script, /--gres|--nv/);
  });

  it('refuses resource values that could break a directive', () => {
    assert.throws(() => renderJupyterJob({ ...request, gres: 'gpu:1\n#SBATCH --x' }), /not a valid value for --gres/);
    assert.throws(() => renderJupyterJob({ ...request, partition: 'gpu debug' }), /not a valid value for --partition/);
    assert.throws(() => renderJupyterJob({ ...request, time: 'soon' }), /not a Slurm time/);
  });

  it('reads the connection file only once it is whole and well-formed', () => {
    const token = 'ab'.repeat(24);
    assert.deepStrictEqual(parseConnection(`{"host": "node001", "port": 41234, "token": "${token}"}\n`), { host: 'node001', port: 41234, token });
    assert.strictEqual(parseConnection(''), undefined);
    assert.strictEqual(parseConnection('{"host": "node001", "port": 4'), undefined);
    assert.strictEqual(parseConnection(`{"host": "node001", "port": 0, "token": "${token}"}`), undefined);
    assert.strictEqual(parseConnection(`{"host": "node 1; rm", "port": 41234, "token": "${token}"}`), undefined);
    assert.strictEqual(parseConnection('{"host": "node001", "port": 41234, "token": "short"}'), undefined);
  });
});
