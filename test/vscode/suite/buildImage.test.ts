import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { ReproLabApi } from '../../../src/extension';
import type { BuiltImage } from '../../../src/vscode/buildCommands';
import type { ImageNode } from '../../../src/vscode/views/imagesTree';
import { loadServices, sshConfigFor } from '../../integration/services';

// Build Image with the test stand-in's `apptainer build` (Bootstrap: localimage on the services' lab
// image), on this machine, on the cluster's login node over the test sshd, and as a Slurm job there.
describe('Build Image from a definition file', () => {
  const services = loadServices();
  const config = () => vscode.workspace.getConfiguration('reprolab');
  const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  let api: ReproLabApi;
  let project: string;
  let remoteFolder: string;
  let localFolder: string;
  const label = (node: ImageNode) => String(api.imagesTree.getTreeItem(node).label);

  before(async () => {
    api = await vscode.extensions.getExtension<ReproLabApi>('reprolab.reprolab')!.activate();
    const sshConfig = path.join(workspace(), 'ssh_config');
    fs.writeFileSync(sshConfig, sshConfigFor(services, 'test-login'));
    remoteFolder = `/home/${services.ssh.user}/reprolab-build-test-${process.pid}`;
    await config().update('ssh.configFile', sshConfig, vscode.ConfigurationTarget.Workspace);
    await config().update('clusters', [{ name: 'test', host: 'test-login', imageFolders: [remoteFolder] }], vscode.ConfigurationTarget.Workspace);
    await api.hosts.hostFor('test', 'test-login').exec(['mkdir', '-p', remoteFolder]);
    localFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-built-'));
    // A project beside the workspace's images: a definition file, a file it copies in, and a folder of them.
    project = path.join(workspace(), 'my-image');
    fs.mkdirSync(path.join(project, 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(project, 'greeting.txt'), 'hello from my image\n');
    fs.writeFileSync(path.join(project, 'scripts', 'a.sh'), 'echo a\n');
    fs.writeFileSync(path.join(project, 'scripts', 'b.sh'), 'echo b\n');
    fs.writeFileSync(path.join(project, 'my-image.def'), [
      'Bootstrap: localimage',
      `From: ${services.images.lab}`,
      '',
      '%files',
      '    greeting.txt /opt/greeting.txt',
      '    scripts/*.sh /opt/scripts/',
      '',
      '%labels',
      '    org.example.built-by reprolab-test',
      '',
      '%post',
      '    echo "post ran" > /opt/post.txt',
      '',
      '%runscript',
      '    cat /opt/greeting.txt /opt/post.txt',
      '    for s in /opt/scripts/*.sh; do sh "$s"; done',
      '',
    ].join('\n'));
  });

  after(async () => {
    await api.hosts.hostFor('test', 'test-login').exec(['rm', '-rf', '--', remoteFolder, `/home/${services.ssh.user}/reprolab-builds`]);
    await config().update('clusters', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('ssh.configFile', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(localFolder, { recursive: true, force: true });
  });

  const definition = () => vscode.Uri.file(path.join(project, 'my-image.def'));

  async function listed(cluster: string, name: string): Promise<boolean> {
    const location = (await api.imagesTree.getChildren()).find((n) => label(n) === cluster);
    const folders = location ? await api.imagesTree.getChildren(location) : [];
    for (const folder of folders) if ((await api.imagesTree.getChildren(folder)).some((n) => label(n) === name)) return true;
    return false;
  }

  async function runs(host: 'local' | 'test', image: string): Promise<string> {
    const h = host === 'local' ? api.hosts.local : api.hosts.hostFor('test', 'test-login');
    const r = await h.exec(['apptainer', 'run', image]);
    assert.strictEqual(r.code, 0, r.stderr);
    return r.stdout;
  }

  it('builds on the cluster\'s login node, copying the files %files names, and lists the new image', async () => {
    const built = await vscode.commands.executeCommand<BuiltImage>('reprolab.buildImage', { definition: definition(), location: 'test', name: 'my-image.sif', asJob: false });
    assert.strictEqual(built.target, `${remoteFolder}/my-image.sif`);
    assert.strictEqual(await runs('test', built.target), 'hello from my image\npost ran\na\nb\n');
    assert.ok(await listed('test', 'my-image.sif'), 'the Images view lists it');
  });

  it('builds as a Slurm job followed in the Jobs view, replacing the image with --force when told to', async () => {
    const built = await vscode.commands.executeCommand<BuiltImage>('reprolab.buildImage', { definition: definition(), location: 'test', name: 'my-image.sif', asJob: true, replace: true });
    assert.match(built.jobId ?? '', /^\d+$/);
    const end = await api.jobsTree.whenFinished(built.runId!);
    assert.deepStrictEqual(end, { state: 'COMPLETED', exitCode: 0 });
    assert.strictEqual(await runs('test', built.target), 'hello from my image\npost ran\na\nb\n');
    const run = api.jobsTree.get(built.runId!)!;
    const script = (await api.hosts.hostFor('test', 'test-login').readFile(`${run.outputFolder}/build.sbatch`)).toString();
    assert.match(script, /^#!\/bin\/bash\n#SBATCH --job-name=build-my-image\n/);
    assert.match(script, /\n\S*apptainer build --fakeroot --force \S+\/my-image\.sif my-image\.def\n$/);
  });

  it('builds on this machine beside the definition file, and leaves nothing behind when a build fails', async () => {
    const built = await vscode.commands.executeCommand<BuiltImage>('reprolab.buildImage', { definition: definition(), location: 'This machine', folder: localFolder, name: 'local.sif' });
    assert.strictEqual(await runs('local', built.target), 'hello from my image\npost ran\na\nb\n');
    const inspect = JSON.parse((await api.hosts.local.exec(['apptainer', 'inspect', '--json', built.target])).stdout);
    assert.strictEqual(inspect.data.attributes.labels['org.example.built-by'], 'reprolab-test');

    fs.writeFileSync(path.join(project, 'broken.def'), `Bootstrap: localimage\nFrom: ${services.images.lab}\n\n%post\n    exit 3\n`);
    // The failure reaches the user as an error message (with the log); the command ends with nothing built.
    const failed = await vscode.commands.executeCommand('reprolab.buildImage', { definition: vscode.Uri.file(path.join(project, 'broken.def')), location: 'This machine', folder: localFolder, name: 'broken.sif' });
    assert.strictEqual(failed, undefined);
    assert.ok(!fs.existsSync(path.join(localFolder, 'broken.sif')));
  });
});

describe('Scaffold Image Publishing', () => {
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  let readme: string;
  before(async () => {
    await vscode.extensions.getExtension('reprolab.reprolab')!.activate();
    readme = fs.readFileSync(path.join(root(), 'README.md'), 'utf8');
    fs.writeFileSync(path.join(root(), 'Dockerfile'), 'FROM python:3.11.9-slim-bookworm\n');
  });
  after(() => {
    fs.writeFileSync(path.join(root(), 'README.md'), readme);
    fs.rmSync(path.join(root(), 'Dockerfile'), { force: true });
    fs.rmSync(path.join(root(), '.github'), { recursive: true, force: true });
  });

  it('writes the workflow and the README section once, and opens the workflow', async () => {
    const options = { branch: 'main', dockerfile: 'Dockerfile', context: '.', sif: {}, repository: 'lab/abide', replace: true };
    await vscode.commands.executeCommand('reprolab.scaffoldPublishing', options);
    await vscode.commands.executeCommand('reprolab.scaffoldPublishing', options);
    const workflow = parse(fs.readFileSync(path.join(root(), '.github', 'workflows', 'publish-image.yml'), 'utf8'));
    assert.deepStrictEqual(Object.keys(workflow.jobs), ['docker', 'sif']);
    const text = fs.readFileSync(path.join(root(), 'README.md'), 'utf8');
    assert.ok(text.startsWith(readme), 'the README keeps what it had');
    assert.strictEqual(text.match(/^## Pulling the image$/gm)?.length, 1);
    assert.match(text, /apptainer pull lab-1\.2\.3\.sif oras:\/\/ghcr\.io\/lab\/abide-sif:1\.2\.3/);
    assert.match(vscode.window.activeTextEditor?.document.uri.path ?? '', /\.github\/workflows\/publish-image\.yml$/);
  });
});
