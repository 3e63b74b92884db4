// ui tier: the packaged .vsix installed into the real VS Code server, the workbench opened in headless
// Chromium, clicked like a person would. Screenshots go to test-results/ui/.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { openWorkbenchWithVsix, Workbench } from '../harness/vscodeServer';
import { repoRoot } from '../paths';
import { loadServices } from '../integration/services';
import { shots, vsix } from './uiPaths';

describe('ReproLab in the VS Code workbench', () => {
  let workbench: Workbench;
  let page: Page;
  let workspace: string;

  before(async () => {
    assert.ok(fs.existsSync(vsix), `${vsix} exists: run npm run package first`);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-ui-ws-'));
    workbench = await openWorkbenchWithVsix(vsix, workspace, 18091);
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('ships a package under 2 MB', () => {
    const size = fs.statSync(vsix).size;
    assert.ok(size < 2 * 1024 * 1024, `reprolab.vsix is ${size} bytes`);
  });

  it('shows the ReproLab container with its welcome text when nothing is set up', async () => {
    await page.locator('.activitybar [aria-label^="ReproLab"]').first().click();
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    await sidebar.getByText('No Apptainer images found yet.').waitFor({ timeout: 60000 });
    await sidebar.getByText('No jobs yet.').waitFor();
    for (const title of ['Images', 'Jobs', 'Scores']) {
      await sidebar.locator('.pane-header', { hasText: title }).first().waitFor();
    }
    assert.ok(await sidebar.getByRole('button', { name: 'Add Image Folder', exact: true }).isVisible(), 'the welcome text offers Add Image Folder');
    await page.screenshot({ path: path.join(shots, '01-sidebar-welcome.png') });
  });

  it('lists images once an image folder is set', async () => {
    const images = path.join(workspace, 'images');
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'sif'), images, { recursive: true });
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'reprolab.imageFolders': [images] }));
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    await sidebar.getByText('singularity-e2e-busybox_amd64.sif').waitFor({ timeout: 60000 });
    await sidebar.getByText('one-group.sif').waitFor();
    await page.screenshot({ path: path.join(shots, '02-images.png') });
  });

  it('opens the run form of an image from its inline Run action', async () => {
    const { images } = loadServices();
    fs.copyFileSync(images.lab, path.join(workspace, 'images', 'lab.sif'));
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    const row = sidebar.locator('.monaco-list-row', { hasText: 'lab.sif' }).first();
    await row.waitFor({ timeout: 60000 });
    await row.hover();
    await row.getByRole('button', { name: 'Open in Form' }).click();
    // The editor's webview opened last; the Scores view has the other one.
    const form = page.locator('iframe.webview.ready').last().contentFrame().frameLocator('iframe#active-frame');
    await form.getByText('--input-dir').first().waitFor({ timeout: 60000 });
    await form.getByText('abide-site-adaptation-demo').first().waitFor();
    await form.locator('#preview').getByText('run').waitFor();
    await page.screenshot({ path: path.join(shots, '05-run-form.png') });
  });

  it('pulls an image with progress from the Images view and lists it when it lands', async () => {
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    await sidebar.locator('.pane-header', { hasText: 'Images' }).first().hover();
    await sidebar.getByRole('button', { name: 'Pull Image...' }).click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('docker://reprolab/lab:1.0');
    await input.press('Enter');
    // The second box proposes the name Apptainer would give the file.
    for (let i = 0; i < 100 && (await input.inputValue()) !== 'lab_1.0.sif'; i++) await page.waitForTimeout(100);
    assert.strictEqual(await input.inputValue(), 'lab_1.0.sif');
    await input.press('Enter');
    await sidebar.locator('.monaco-list-row', { hasText: 'lab_1.0.sif' }).first().waitFor({ timeout: 60000 });
    assert.ok(fs.existsSync(path.join(workspace, 'images', 'lab_1.0.sif')));
    await page.screenshot({ path: path.join(shots, '07-pulled.png') });
  });
  it('colours a definition file, marks its defects, and offers Build Image in its title bar', async () => {
    // The example lab's definition file, with one section name misspelt.
    const text = fs.readFileSync(path.join(repoRoot, 'examples', 'sklearn-lab', 'sklearn-lab.def'), 'utf8');
    assert.match(text, /^%labels$/m);
    fs.writeFileSync(path.join(workspace, 'lab.def'), text.replace(/^%labels$/m, '%lables'));
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('lab.def');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'lab.def' }).first().click();
    const lines = page.locator('.editor-instance .view-lines');
    // Once the grammar has tokenised the file, a section name has its own token colour, unlike plain text (mtk1).
    await lines.locator('span[class^="mtk"]:not(.mtk1)', { hasText: /^%post$/ }).first().waitFor({ timeout: 30000 });
    await page.locator('.squiggly-error, .squiggly-warning').first().waitFor({ timeout: 30000 });
    await page.locator('.editor-actions [aria-label^="Build Image"]').first().waitFor();
    await page.screenshot({ path: path.join(shots, '12-definition-file.png') });
  });
});
