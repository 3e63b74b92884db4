import * as assert from 'assert';
import { parse } from 'yaml';
import { publishReadmeSection, publishWorkflow, PUBLISH_ACTIONS, PublishOptions } from '../../src/core/publish/publishWorkflow';

interface Step { name: string; uses?: string; run?: string; id?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { 'runs-on': string; needs?: string; steps: Step[]; outputs?: Record<string, string> }
interface Workflow { name: string; on: { push: { branches: string[]; tags: string[] }; workflow_dispatch: null }; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, Job> }

const base: PublishOptions = { branch: 'main', dockerfile: 'Dockerfile', context: '.' };
const workflow = (options: PublishOptions) => parse(publishWorkflow(options)) as Workflow;
const step = (job: Job, uses: string) => job.steps.find((s) => s.uses?.startsWith(`${uses}@`));

describe('Scaffold Image Publishing', () => {
  it('writes a workflow that runs on pushes to the branch and on version tags, allowed to write packages', () => {
    const wf = workflow(base);
    assert.strictEqual(wf.name, 'Publish image');
    assert.deepStrictEqual(wf.on.push, { branches: ['main'], tags: ['v*.*.*'] });
    assert.ok('workflow_dispatch' in wf.on);
    assert.deepStrictEqual(wf.permissions, { contents: 'read', packages: 'write' });
    assert.deepStrictEqual(Object.keys(wf.jobs), ['docker']);
  });

  it('pins every action it uses to a full release version', () => {
    const wf = workflow({ ...base, sif: {} });
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses)).filter((u): u is string => !!u);
    assert.ok(uses.length >= 6);
    for (const u of uses) assert.match(u, /^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/, u);
    assert.deepStrictEqual([...new Set(uses)].sort(), Object.values(PUBLISH_ACTIONS).sort());
  });

  it('logs in to ghcr.io with the workflow token, tags by branch, semver and commit, and pushes those tags', () => {
    const { docker } = workflow(base).jobs;
    assert.deepStrictEqual(docker.steps.map((s) => s.uses?.split('@')[0]), ['actions/checkout', 'docker/setup-buildx-action', 'docker/login-action', 'docker/metadata-action', 'docker/build-push-action']);
    assert.deepStrictEqual(step(docker, 'docker/login-action')!.with, { registry: '${{ env.REGISTRY }}', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' });
    assert.strictEqual(workflow(base).env.REGISTRY, 'ghcr.io');
    const meta = step(docker, 'docker/metadata-action')!;
    assert.strictEqual(meta.id, 'meta');
    assert.strictEqual(meta.with!.images, '${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}');
    assert.deepStrictEqual(String(meta.with!.tags).trim().split('\n'), ['type=ref,event=branch', 'type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=sha']);
    assert.deepStrictEqual(step(docker, 'docker/build-push-action')!.with, { context: '.', file: 'Dockerfile', push: true, tags: '${{ steps.meta.outputs.tags }}', labels: '${{ steps.meta.outputs.labels }}' });
  });

  it('optionally builds the SIF after the Docker image and pushes it with apptainer push to oras://ghcr.io', () => {
    for (const sif of [{}, { definition: 'sklearn-lab.def' }]) {
      const { sif: job, docker } = workflow({ ...base, sif }).jobs;
      assert.strictEqual(job.needs, 'docker');
      assert.strictEqual(docker.outputs!.version, '${{ steps.meta.outputs.version }}');
      const run = job.steps.map((s) => s.run ?? '').join('\n');
      assert.match(run, /apt-get install -y apptainer/);
      assert.match(run, sif.definition ? /apptainer build image\.sif "sklearn-lab\.def"/ : /apptainer build image\.sif "docker:\/\/\$\{REGISTRY\}\/\$\{image\}:\$\{\{ needs\.docker\.outputs\.version \}\}"/);
      assert.match(run, /apptainer registry login --username "\$GITHUB_ACTOR" --password-stdin "oras:\/\/\$\{REGISTRY\}"/);
      assert.match(run, /apptainer push image\.sif "oras:\/\/\$\{REGISTRY\}\/\$\{image\}-sif:\$\{VERSION\}"/);
      assert.strictEqual(job.steps.find((s) => s.env?.GITHUB_TOKEN)!.env!.GITHUB_TOKEN, '${{ secrets.GITHUB_TOKEN }}');
    }
  });

  it('refuses a branch or path that YAML or the shell could misread', () => {
    assert.throws(() => publishWorkflow({ ...base, branch: 'main]\n  evil: [x' }), /cannot be the branch/);
    assert.throws(() => publishWorkflow({ ...base, sif: { definition: 'lab.def"; rm -rf ~; "' } }), /cannot be the definition file/);
    assert.throws(() => publishWorkflow({ ...base, dockerfile: '../Dockerfile' }), /cannot be the Dockerfile/);
  });

  it('writes a README section that pulls the image with apptainer pull, and the SIF with oras://', () => {
    const text = publishReadmeSection({ ...base, sif: {}, repository: 'Lab-Org/ABIDE-Lab' });
    assert.match(text, /^## Pulling the image\n/);
    assert.match(text, /apptainer pull lab\.sif docker:\/\/ghcr\.io\/lab-org\/abide-lab:main/);
    assert.match(text, /apptainer pull lab-1\.2\.3\.sif oras:\/\/ghcr\.io\/lab-org\/abide-lab-sif:1\.2\.3/);
    assert.doesNotMatch(publishReadmeSection(base), /oras:/);
  });
});
