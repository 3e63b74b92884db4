import * as assert from 'assert';
import { readFileSync } from 'fs';
import { parseExplore } from '../../src/core/apptainer/explore';
import { normalizePackageName, parseRequirements } from '../../src/core/requirements/requirements';
import { checkRequirements, pinEdits, versionsFromFreeze } from '../../src/core/requirements/requirementsDiagnostics';
import { applyDefinitionFix } from '../../src/core/sif/definitionDiagnostics';
import { fixture } from '../paths';

const read = (name: string) => readFileSync(fixture('requirements', name), 'utf8');
const codes = (text: string) => checkRequirements(text).map((d) => `${d.code}@${d.line}:${d.column}`);
const at = (text: string, line: number, needle: string) => `${line}:${text.split('\n')[line].indexOf(needle)}`;

// What the test lab image (test/images/build-lab-image.sh) answers to `python3 -m pip freeze`.
const LAB_IMAGE_FREEZE = ['joblib==1.3.2', 'numpy==1.26.4', 'pandas==2.2.2', 'PyYAML==6.0.1', 'scikit-learn==1.5.0'].join('\n');

describe('Check Requirements', () => {
  it('flags each loose line of a real requirements file: lower bounds, a range, no pin, a VCS URL without a ref', () => {
    const text = read('stability-generative-models_pt2.txt');
    const found = checkRequirements(text);
    const byCode = (code: string) => found.filter((d) => d.code === code).map((d) => d.name);
    assert.deepStrictEqual(byCode('vcs-without-ref'), ['clip']);
    assert.deepStrictEqual(byCode('unpinned'), ['gradio']);
    assert.deepStrictEqual(byCode('range'), ['urllib3']);
    assert.strictEqual(byCode('lower-bound-only').length, 27);
    assert.ok(byCode('lower-bound-only').includes('invisible-watermark'));
    // The 11 exact pins raise nothing.
    assert.strictEqual(found.length, 41 - 11);
    assert.match(found.find((d) => d.name === 'clip')!.message, /default branch of https:\/\/github\.com\/openai\/CLIP\.git/);
  });

  it('flags the editable install of a real file and its lower bounds', () => {
    const text = read('stability-stablediffusion.txt');
    assert.deepStrictEqual(codes(text), ['lower-bound-only@4:0', 'lower-bound-only@11:0', 'editable@15:0']);
  });

  it('raises nothing on a file where every line is pinned: ==, ===, commits, version tags, wheels, includes', () => {
    assert.deepStrictEqual(codes(read('pinned.txt')), []);
  });

  it('finds @main and @master, the editable install, the unpinned and lower-bound lines of a lab image, and nothing in comments, options or hashes', () => {
    const text = read('lab-image.txt');
    assert.deepStrictEqual(codes(text), [
      'lower-bound-only@5:0',
      'unpinned@6:0',
      `moving-vcs-ref@${at(text, 10, '@main')}`,
      'editable@13:0',
      `moving-vcs-ref@${at(text, 13, '@master')}`,
    ]);
    const main = checkRequirements(text).find((d) => d.name === 'nilearn')!;
    assert.strictEqual(main.message, 'nilearn installs the branch @main, which moves with every push, so a rebuild can get different code: pin it to a commit or a tag (@<commit>).');
  });

  it('pins each line to the version the chosen image has, from pip freeze as Explore reads it', () => {
    const text = read('lab-image.txt');
    const explored = parseExplore(`PRETTY_NAME="Debian"\n--reprolab-explore--\nPython 3.11.2\n--reprolab-explore--\n${LAB_IMAGE_FREEZE}\nnilearn @ git+https://github.com/nilearn/nilearn.git@0123456789abcdef0123456789abcdef01234567\n`);
    const versions = versionsFromFreeze(explored.packages);
    const found = checkRequirements(text, { versions, image: 'lab.sif' });
    assert.deepStrictEqual(found.filter((d) => d.fix?.pin).map((d) => d.fix!.title), [
      'Pin to pandas==2.2.2 (as in lab.sif)',
      'Pin to PyYAML==6.0.1 (as in lab.sif)',
      'Pin to commit 0123456789ab (as in lab.sif)',
    ]);
    const pinned = applyDefinitionFix(text, { title: 'pin', edits: pinEdits(text, versions, 'lab.sif') });
    assert.match(pinned, /^pandas==2\.2\.2$/m);
    assert.match(pinned, /^PyYAML==6\.0\.1$/m);
    assert.match(pinned, /nilearn\.git@0123456789abcdef0123456789abcdef01234567$/m);
    // What the image cannot tell stays flagged: the editable install of a branch it does not hold.
    assert.deepStrictEqual(checkRequirements(pinned).map((d) => d.code), ['editable', 'moving-vcs-ref']);
  });

  it('pins a VCS line without a ref to the commit the image installed, or to its released version', () => {
    const text = 'clip @ git+https://github.com/openai/CLIP.git\n';
    const commit = checkRequirements(text, { versions: versionsFromFreeze('clip @ git+https://github.com/openai/CLIP.git@dcba3cb2e2827b402d2701e7e1c7d9fed8a20ef1') })[0];
    assert.strictEqual(applyDefinitionFix(text, commit.fix!), 'clip @ git+https://github.com/openai/CLIP.git@dcba3cb2e2827b402d2701e7e1c7d9fed8a20ef1\n');
    const release = checkRequirements(text, { versions: versionsFromFreeze('clip==1.0') })[0];
    assert.strictEqual(applyDefinitionFix(text, release.fix!), 'clip==1.0\n');
  });

  it('offers a plain pin only for names the image has, matched as pip does (case, - _ .)', () => {
    const versions = versionsFromFreeze(LAB_IMAGE_FREEZE);
    const [yaml, sklearn, torch] = checkRequirements('pyyaml>=6\nScikit_Learn\ntorch\n', { versions });
    assert.strictEqual(yaml.fix?.title, 'Pin to pyyaml==6.0.1');
    assert.strictEqual(sklearn.fix?.title, 'Pin to Scikit_Learn==1.5.0');
    assert.strictEqual(torch.fix, undefined);
    assert.strictEqual(normalizePackageName('Zope.Interface__x'), 'zope-interface-x');
  });

  it('removes -e as the fix for an editable install', () => {
    const [editable] = checkRequirements('-e .\n');
    assert.strictEqual(applyDefinitionFix('-e .\n', editable.fix!), '.\n');
  });

  it('reads names, extras, markers, hashes, users in git+ssh URLs and #egg names', () => {
    const [extras, ssh, egg] = parseRequirements('joblib[extra]==1.3.2 ; python_version >= "3.9" --hash=sha256:abc\ngit+ssh://git@github.com/org/repo.git\n-e git+https://github.com/org/lab-plots.git@master#egg=lab_plots\n');
    assert.deepStrictEqual([extras.name, extras.spelledName, extras.specifier], ['joblib', 'joblib[extra]', '==1.3.2']);
    assert.strictEqual(ssh.vcs?.ref, undefined);
    assert.deepStrictEqual([egg.name, egg.vcs?.ref], ['lab-plots', 'master']);
  });
});
