import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../paths';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const commandIds: string[] = contributes.commands.map((c: { command: string }) => c.command);

/** Whether a caret range such as ^1.138.0 admits a version such as 1.139.1. */
function caretAdmits(range: string, version: string): boolean {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  assert.ok(m, `engines.vscode ${range} is a caret range`);
  const [major, minor, patch] = m.slice(1).map(Number);
  const [vMajor, vMinor, vPatch] = version.split('.').map(Number);
  if (vMajor !== major) return false;
  return vMinor > minor || (vMinor === minor && vPatch >= patch);
}

describe('extension manifest', () => {
  it('is named reprolab and activates lazily, never on *', () => {
    assert.strictEqual(manifest.name, 'reprolab');
    assert.strictEqual(manifest.displayName, 'ReproLab');
    assert.strictEqual(manifest.main, './dist/extension.js');
    assert.ok(manifest.activationEvents.length > 0);
    for (const event of manifest.activationEvents) assert.match(event, /^(onView|onCommand|onLanguage|workspaceContains|onFileSystem):/);
  });

  it('admits the VS Code the tests run, with @types/vscode no newer than the engine', () => {
    assert.ok(caretAdmits(manifest.engines.vscode, '1.139.1'));
    assert.ok(!caretAdmits(manifest.engines.vscode, '1.100.0'), 'the caret check can say no');
    const types = manifest.devDependencies['@types/vscode'];
    assert.strictEqual(`^${types}`, manifest.engines.vscode, '@types/vscode is pinned to the engine minimum');
  });

  it('contributes the ReproLab container with Images, Jobs and the Scores webview', () => {
    assert.deepStrictEqual(contributes.viewsContainers.activitybar.map((c: { id: string; title: string }) => [c.id, c.title]), [['reprolab', 'ReproLab']]);
    const views = contributes.views.reprolab.map((v: { id: string; name: string; type?: string }) => [v.id, v.name, v.type ?? 'tree']);
    assert.deepStrictEqual(views, [
      ['reprolab.images', 'Images', 'tree'],
      ['reprolab.jobs', 'Jobs', 'tree'],
      ['reprolab.scores', 'Scores', 'webview'],
    ]);
  });

  it('gives both tree views a welcome text whose links run contributed commands', () => {
    const welcomed = new Set(contributes.viewsWelcome.map((w: { view: string }) => w.view));
    assert.deepStrictEqual([...welcomed].sort(), ['reprolab.images', 'reprolab.jobs']);
    for (const welcome of contributes.viewsWelcome) {
      const links = [...welcome.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m: RegExpMatchArray) => m[1]);
      assert.ok(links.length > 0, `${welcome.view} tells the user what to do first`);
      for (const link of links) assert.ok(commandIds.includes(link) || link.startsWith('workbench.'), `${welcome.view} links ${link}`);
    }
  });

  it('puts every command in the ReproLab category and every menu item on a contributed command', () => {
    for (const command of contributes.commands) assert.strictEqual(command.category, 'ReproLab', command.command);
    for (const items of Object.values(contributes.menus) as { command: string }[][]) {
      for (const item of items) assert.ok(commandIds.includes(item.command), item.command);
    }
  });

  it('has settings for clusters, image folders, the refresh interval and SSH', () => {
    const properties = Object.keys(contributes.configuration.properties).sort();
    assert.deepStrictEqual(properties, ['reprolab.build.mode', 'reprolab.build.partition', 'reprolab.build.time', 'reprolab.clusters', 'reprolab.imageFolders', 'reprolab.notebook.chunkChars', 'reprolab.notebook.gpus', 'reprolab.notebook.image', 'reprolab.notebook.model', 'reprolab.notebook.partition', 'reprolab.notebook.quantisation', 'reprolab.notebook.time', 'reprolab.refreshInterval', 'reprolab.ssh.configFile', 'reprolab.ssh.rememberSecrets']);
    assert.strictEqual(contributes.configuration.properties['reprolab.notebook.gpus'].default, 'gpu:1', 'the notebook job asks for a GPU unless told otherwise');
  });

  it('ships the LLM extraction notebook in a package under 2 MB', function () {
    this.timeout(120000);
    const out = path.join(os.tmpdir(), `reprolab-size-${process.pid}.vsix`);
    const packed = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', out], { cwd: repoRoot, encoding: 'utf8' });
    assert.strictEqual(packed.status, 0, packed.stderr);
    const listed = spawnSync('unzip', ['-l', out], { encoding: 'utf8' }).stdout;
    const size = statSync(out).size;
    rmSync(out, { force: true });
    assert.match(listed, /extension\/media\/notebooks\/alloy-extraction\.ipynb/);
    assert.match(listed, /extension\/dist\/extension\.js/);
    assert.ok(size < 2 * 1024 * 1024, `the .vsix is ${size} bytes`);
  });

  it('runs where the workspace is, so Remote-SSH users get the login node as local', () => {
    assert.deepStrictEqual(manifest.extensionKind, ['workspace']);
  });

  it('contributes the Apptainer language with its grammar, snippets and #SBATCH injection, and ships them', function () {
    this.timeout(60000);
    assert.ok(manifest.activationEvents.includes('onLanguage:apptainer'));
    const [language] = contributes.languages;
    assert.deepStrictEqual([language.id, language.extensions, language.filenames, language.filenamePatterns], ['apptainer', ['.def'], ['Apptainer', 'Singularity'], ['Apptainer.*', 'Singularity.*']]);
    const grammars = contributes.grammars.map((g: { scopeName: string; language?: string; injectTo?: string[] }) => [g.scopeName, g.language ?? g.injectTo]);
    assert.deepStrictEqual(grammars, [['source.apptainer', 'apptainer'], ['sbatch.injection', ['source.shell']]]);
    const files = [language.configuration, ...contributes.grammars.map((g: { path: string }) => g.path), ...contributes.snippets.map((s: { path: string }) => s.path)].map((f: string) => path.normalize(f));
    for (const file of files) {
      assert.ok(existsSync(path.join(repoRoot, file)), file);
      JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8'));
    }
    const listed = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' });
    assert.strictEqual(listed.status, 0, listed.stderr);
    const packaged = listed.stdout.split('\n').map((l) => path.normalize(l.trim()));
    for (const file of files) assert.ok(packaged.includes(file), `${file} is in the .vsix`);
  });

  it('walks a new user through the lab, each step with a button that runs a command and an event that completes it', () => {
    const [walkthrough] = contributes.walkthroughs;
    assert.strictEqual(walkthrough.title, 'Run your first containerised lab');
    const ids = walkthrough.steps.map((s: { id: string }) => s.id);
    assert.deepStrictEqual(ids, ['connect', 'image', 'explore', 'form', 'run', 'log', 'scores', 'rerun', 'compare']);
    const commands = new Set(contributes.commands.map((c: { command: string }) => c.command));
    const views = new Set(['reprolab.images', 'reprolab.jobs', 'reprolab.scores']);
    for (const step of walkthrough.steps as { id: string; description: string; media: { markdown: string }; completionEvents: string[] }[]) {
      const button = /\]\(command:([\w.]+)\)/.exec(step.description)?.[1];
      assert.ok(button && (commands.has(button) || views.has(button.replace(/\.focus$/, ''))), `${step.id} has a button that runs a contributed command or opens a view`);
      assert.ok(existsSync(path.join(repoRoot, step.media.markdown)), step.media.markdown);
      assert.ok(step.completionEvents.length > 0, `${step.id} completes on an event`);
      for (const event of step.completionEvents) {
        const [kind, what] = event.split(':');
        if (kind === 'onCommand') assert.ok(commands.has(what), `${step.id}: ${what} is a contributed command`);
        else if (kind === 'onView') assert.ok(views.has(what), `${step.id}: ${what} is a view`);
        else if (kind === 'onSettingChanged') assert.ok(what in contributes.configuration.properties, `${step.id}: ${what} is a setting`);
        else assert.ok(kind === 'onContext' && /^reprolab\./.test(what), `${step.id}: ${event}`);
      }
    }
  });

  it('keeps sources, tests and fixtures out of the package', () => {
    const ignored = readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const pattern of ['src/**', 'test/**', 'out/**', 'node_modules/**']) assert.ok(ignored.includes(pattern), pattern);
  });
});
