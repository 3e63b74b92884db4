// ui tier: a run configuration submitted to the real Slurm from the command palette, its job in
// the Jobs view through PENDING/RUNNING to COMPLETED, and its log in an output channel.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { loadServices } from '../integration/services';
import { openWorkbenchWithVsix, Workbench } from '../harness/vscodeServer';
import { shots, vsix, webviewShowing } from './uiPaths';

describe('Running on Slurm from the workbench', () => {
  const services = loadServices();
  let workbench: Workbench;
  let page: Page;
  let workspace: string;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-ui-jobs-'));
    fs.mkdirSync(path.join(workspace, 'images'));
    fs.copyFileSync(services.images.lab, path.join(workspace, 'images', 'lab.sif'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'reprolab.imageFolders': [path.join(workspace, 'images')], 'reprolab.refreshInterval': 5 }));
    fs.mkdirSync(path.join(workspace, '.reprolab', 'runs'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.reprolab', 'runs', 'lab.yaml'), [
      `image: ${path.join(workspace, 'images', 'lab.sif')}`,
      'arguments:', '  input-dir: /tmp', '  random-state: 0',
      'target:', '  type: slurm', '  slurm:', `    partition: ${services.slurm.partition}`, '    time: "5:00"',
      'output:', `  root: ${path.join(workspace, 'runs')}`, '',
    ].join('\n'));
    workbench = await openWorkbenchWithVsix(vsix, workspace, 18093);
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('runs the configuration from the command palette and shows the job and its log', async () => {
    await page.locator('.activitybar [aria-label^="ReproLab"]').first().click();
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    await sidebar.getByText('lab.sif').first().waitFor({ timeout: 60000 });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>ReproLab: Run');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /^ReproLab: Run$|ReproLab: Run(?! Seed)/ }).first().click();
    const job = sidebar.locator('.monaco-list-row', { hasText: 'lab (seed 0)' }).first();
    await job.waitFor({ timeout: 60000 });
    await job.getByText(/job \d+/).waitFor();
    await page.screenshot({ path: path.join(shots, '08-job-submitted.png') });
    await job.getByText(/^COMPLETED/).waitFor({ timeout: 120000 });
    await page.locator('.part.panel').getByText('lab image running with: --input-dir /tmp --random-state 0').first().waitFor({ timeout: 60000 });
    await page.screenshot({ path: path.join(shots, '09-job-completed-with-log.png') });
  });

  it('shows the completed job\'s top scores in the Scores view', async () => {
    const scores = await webviewShowing(page, '0.7024 ± 0.0484');
    assert.strictEqual(await scores.locator('#top tbody tr').count(), 5);
    await page.screenshot({ path: path.join(shots, '10-scores.png') });
  });

  it('reruns with seed 0 and seed 1 and compares the three runs: the seed-0 runs reproduced', async () => {
    const config = path.join(workspace, '.reprolab', 'runs', 'lab.yaml');
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    for (const seed of [0, 1]) {
      fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace(/random-state: \d+/, `random-state: ${seed}`));
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>ReproLab: Run');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: /ReproLab: Run(?! Seed)/ }).first().click();
      await sidebar.locator('.monaco-list-row', { hasText: `lab (seed ${seed})` }).filter({ hasText: 'COMPLETED' }).nth(seed === 0 ? 1 : 0).waitFor({ timeout: 120000 });
    }
    const rows = sidebar.locator('.monaco-list-row', { hasText: /lab \(seed [01]\)/ });
    assert.strictEqual(await rows.count(), 3);
    await rows.nth(0).click();
    await rows.nth(2).click({ modifiers: ['Shift'] });
    await sidebar.locator('.pane-header', { hasText: 'Jobs' }).first().hover();
    await sidebar.getByRole('button', { name: 'Compare Runs' }).click();
    const compare = await webviewShowing(page, 'Comparison of 3 runs');
    await compare.getByText('reproduced', { exact: true }).waitFor();
    assert.match(await compare.locator('#verdicts').innerText(), /^reproduced: lab \(seed 0\).*, lab \(seed 0\)/);
    await page.screenshot({ path: path.join(shots, '11-compare.png') });
  });
});
