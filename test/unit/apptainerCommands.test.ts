import * as assert from 'assert';
import { bindArg, buildArgv, defaultPullName, execSpec, inspectSpec, lastErrorLine, parsePullProgress, pullSpec, runArgv, versionSpec } from '../../src/core/apptainer/commands';
import { formatExplorePair, parseExplore } from '../../src/core/apptainer/explore';

const ok = (stdout: string, stderr = '') => ({ code: 0, signal: null, stdout, stderr });

describe('Apptainer command specs', () => {
  it('builds run and exec with flags in documented order', () => {
    assert.deepStrictEqual(runArgv('apptainer', '/img/lab.sif', ['--random-state', '0'], {
      nv: true, cleanenv: true, noHome: true, pwd: '/work', binds: [{ source: '/data/in', destination: '/in', readOnly: true }, { source: '/scratch' }], env: { OMP_NUM_THREADS: '2' },
    }), ['apptainer', 'run', '--nv', '--cleanenv', '--no-home', '--pwd', '/work', '-B', '/data/in:/in:ro', '-B', '/scratch', '--env', 'OMP_NUM_THREADS=2', '/img/lab.sif', '--random-state', '0']);
    assert.deepStrictEqual(execSpec('singularity', 'x.sif', ['python3', '--version']).argv, ['singularity', 'exec', 'x.sif', 'python3', '--version']);
    assert.throws(() => execSpec('apptainer', 'x.sif', []), /needs a command/);
  });

  it('refuses bind paths the -B syntax cannot carry', () => {
    assert.strictEqual(bindArg({ source: '/a', readOnly: true }), '/a:/a:ro');
    assert.throws(() => bindArg({ source: '/data:2024' }), /contains ':' or ','/);
    assert.throws(() => bindArg({ source: '/a', destination: '/b,c' }), /contains ':' or ','/);
  });

  it('pulls only docker, oras and library sources, with --force only when asked', () => {
    assert.deepStrictEqual(pullSpec('apptainer', 'docker://python:3.12-slim', '/img/python_3.12-slim.sif').argv, ['apptainer', 'pull', '/img/python_3.12-slim.sif', 'docker://python:3.12-slim']);
    assert.deepStrictEqual(pullSpec('apptainer', 'oras://ghcr.io/o/i:1', 't.sif', { force: true }).argv, ['apptainer', 'pull', '--force', 't.sif', 'oras://ghcr.io/o/i:1']);
    assert.throws(() => pullSpec('apptainer', 'https://example.org/x.sif', 't.sif'), /use docker:\/\/, oras:\/\/ or library:\/\//);
    assert.throws(() => pullSpec('apptainer', 'docker://x', 't.sif').parse({ code: 255, signal: null, stdout: '', stderr: 'INFO:    Converting\nFATAL:   While making image from oci registry: failed to get checksum\n' }),
      /Pulling docker:\/\/x failed: While making image from oci registry: failed to get checksum/);
  });

  it('names pulled images as apptainer pull does', () => {
    assert.strictEqual(defaultPullName('docker://ubuntu:22.04'), 'ubuntu_22.04.sif');
    assert.strictEqual(defaultPullName('docker://ghcr.io/org/lab-image'), 'lab-image_latest.sif');
    assert.strictEqual(defaultPullName('library://user/collection/tf:2.9-gpu'), 'tf_2.9-gpu.sif');
    assert.strictEqual(defaultPullName('oras://ghcr.io/o/i@sha256:0123456789abcdef0123'), 'i_0123456789ab.sif');
  });

  it('reads progress and errors from Apptainer output', () => {
    assert.deepStrictEqual(parsePullProgress('INFO:    Converting OCI blobs to SIF format'), { message: 'Converting OCI blobs to SIF format' });
    assert.deepStrictEqual(parsePullProgress('\x1b[32m 45.3 MiB / 120.0 MiB [=====>----] 37 %\x1b[0m'), { message: '45.3 MiB / 120.0 MiB [=====>----] 37 %', percent: 37 });
    assert.strictEqual(parsePullProgress('   '), undefined);
    assert.strictEqual(lastErrorLine('WARNING: x\nFATAL:   image not found\n'), 'image not found');
  });

  it('reads versions and inspect --json', () => {
    assert.deepStrictEqual(versionSpec('apptainer').parse(ok('apptainer version 1.3.4\n')), { binary: 'apptainer', version: '1.3.4' });
    assert.deepStrictEqual(versionSpec('singularity').parse(ok('singularity-ce version 3.11.4-jammy\n')), { binary: 'singularity', version: '3.11.4-jammy' });
    const inspected = inspectSpec('apptainer', 'x.sif').parse(ok('{"data":{"attributes":{"labels":{"a":"1","n":2},"runscript":"#!/bin/sh"}},"type":"container"}'));
    assert.deepStrictEqual([inspected.labels, inspected.runscript], [{ a: '1', n: '2' }, '#!/bin/sh']);
    assert.throws(() => inspectSpec('apptainer', 'x.sif').parse(ok('not json')), /is not JSON/);
    assert.deepStrictEqual(buildArgv('apptainer', 'lab.sif', 'lab.def', { fakeroot: true }), ['apptainer', 'build', '--fakeroot', 'lab.sif', 'lab.def']);
    assert.throws(() => buildArgv('apptainer', 'a', 'b', { fakeroot: true, remote: true }), /not both/);
  });
});

describe('Explore', () => {
  const host = parseExplore('PRETTY_NAME="Rocky Linux 8.9 (Green Obsidian)"\n--reprolab-explore--\nPython 3.9.18\n--reprolab-explore--\nnumpy==1.24.0\nscikit_learn==1.3.0\nrequests==2.31.0\n');
  const image = parseExplore('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n--reprolab-explore--\nPython 3.11.2\n--reprolab-explore--\nnumpy==1.26.4\nscikit-learn==1.3.0\npandas @ file:///tmp/pandas\n');

  it('reads OS, Python and packages, normalising names', () => {
    assert.deepStrictEqual([host.os, host.python, [...host.packages]], ['Rocky Linux 8.9 (Green Obsidian)', 'Python 3.9.18', [['numpy', '1.24.0'], ['scikit-learn', '1.3.0'], ['requests', '2.31.0']]]);
    assert.strictEqual(image.packages.get('pandas'), 'file:///tmp/pandas');
    assert.deepStrictEqual(parseExplore(''), { os: 'unknown (no /etc/os-release)', python: 'no Python found', packages: new Map() });
  });

  it('lines both sides up by package so a diff shows exactly what differs', () => {
    const pair = formatExplorePair(host, image, { host: 'login1', image: 'lab.sif' });
    const h = pair.host.split('\n');
    const i = pair.image.split('\n');
    assert.strictEqual(h.length, i.length);
    assert.deepStrictEqual(h.slice(4), ['numpy==1.24.0', 'pandas==(not installed)', 'requests==2.31.0', 'scikit-learn==1.3.0', '']);
    assert.deepStrictEqual(i.slice(4), ['numpy==1.26.4', 'pandas==file:///tmp/pandas', 'requests==(not installed)', 'scikit-learn==1.3.0', '']);
    assert.deepStrictEqual(pair.differing, ['numpy', 'pandas', 'requests']);
  });
});
