import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { buildCommand, checkHostFiles, defaultImageName, hostFilesOf, matchesGlob, renderBuildJob } from '../../src/core/apptainer/build';
import { fixture } from '../paths';

const def = (name: string) => readFileSync(fixture('def-files', name), 'utf8');

describe('Build Image', () => {
  it('finds the host files that %files copies in real definition files, not those copied between stages', () => {
    assert.deepStrictEqual(hostFilesOf(def('catalog_CBFLivUni_crlf.def')), ['install/*', 'runAnalysis.R']);
    assert.deepStrictEqual(hostFilesOf(def('catalog_McCoyGroup_localimage.def')), ['..']);
    assert.deepStrictEqual(hostFilesOf(def('apptainer_examples_multistage.def')), [], '%files from one copies between stages');
    assert.deepStrictEqual(hostFilesOf(def('onnovalkering_test_Apptainer.v1-edge_all_sections.def')).filter((f) => !f.startsWith('/')), []);
    for (const file of readdirSync(fixture('def-files')).filter((f) => f.endsWith('.def'))) {
      for (const source of hostFilesOf(def(file))) assert.ok(!source.startsWith('/') && source.trim() === source, `${file}: ${source}`);
    }
  });

  it('refuses, for a build elsewhere, host files outside the definition folder or wildcards in folder names', () => {
    assert.throws(() => checkHostFiles(['..']), /outside the definition file's folder/);
    assert.throws(() => checkHostFiles(['../data/x.csv']), /outside/);
    assert.throws(() => checkHostFiles(['data*/x.csv']), /wildcard in a folder name/);
    assert.doesNotThrow(() => checkHostFiles(['install/*', 'runAnalysis.R', 'src']));
  });

  it('matches %files wildcards as sh does', () => {
    assert.ok(matchesGlob('setup.R', '*.R'));
    assert.ok(!matchesGlob('.hidden.R', '*.R'), 'no leading dot');
    assert.ok(matchesGlob('a1', 'a[0-9]'));
    assert.ok(matchesGlob('ab', 'a?'));
    assert.ok(!matchesGlob('abc', 'a?'));
    assert.ok(!matchesGlob('{a,b}', 'a'), 'no brace expansion');
  });

  it('builds with --fakeroot, --remote or neither, and --force only when replacing', () => {
    assert.deepStrictEqual(buildCommand('apptainer', '/imgs/lab.sif', 'lab.def', 'fakeroot', false), ['apptainer', 'build', '--fakeroot', '/imgs/lab.sif', 'lab.def']);
    assert.deepStrictEqual(buildCommand('singularity', '/imgs/lab.sif', 'lab.def', 'remote', true), ['singularity', 'build', '--remote', '--force', '/imgs/lab.sif', 'lab.def']);
    assert.deepStrictEqual(buildCommand('apptainer', 'x.sif', 'x.def', 'plain', false), ['apptainer', 'build', 'x.sif', 'x.def']);
  });

  it('names the image after the definition file, or its folder for a file named Singularity', () => {
    assert.strictEqual(defaultImageName('/w/sklearn-lab.def'), 'sklearn-lab.sif');
    assert.strictEqual(defaultImageName('/w/lab/Singularity'), 'lab.sif');
    assert.strictEqual(defaultImageName('/w/Apptainer.gpu'), 'gpu.sif');
    assert.strictEqual(defaultImageName('/w/my lab.def'), 'my_lab.sif');
  });

  it('renders a build job that bash accepts, with every path quoted and its log in the build folder', () => {
    const script = renderBuildJob({ binary: 'apptainer', target: "/home/u/my images/lab's.sif", folder: '/home/u/reprolab-builds/lab-1', definitionName: 'lab.def', mode: 'fakeroot', force: false, resources: { partition: 'cpu', time: '1:00:00' } });
    assert.strictEqual(script, [
      '#!/bin/bash',
      "#SBATCH --job-name=build-lab_s",
      '#SBATCH --partition=cpu',
      '#SBATCH --time=1:00:00',
      '#SBATCH --output=/home/u/reprolab-builds/lab-1/slurm-%j.out',
      '',
      'set -euo pipefail',
      'cd -- /home/u/reprolab-builds/lab-1',
      "apptainer build --fakeroot '/home/u/my images/lab'\\''s.sif' lab.def",
      '',
    ].join('\n'));
    assert.strictEqual(spawnSync('bash', ['-n'], { input: script }).status, 0);
    assert.throws(() => renderBuildJob({ binary: 'apptainer', target: '/x.sif', folder: '/b', definitionName: 'x.def', mode: 'plain', force: false, resources: { time: 'soon' } }), /not a Slurm time/);
  });
});
