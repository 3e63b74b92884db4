// ui tier: the whole lab by clicking, as a student does it, once on this machine's Slurm and once on
// the cluster reached over the test sshd as an unprivileged user: the example image in the sidebar,
// its run form (seed 0, an output root, Slurm), Run, the job to COMPLETED with its log, the top
// scores, two reruns (seed 0 again, seed 1) and a comparison that finds the seed-0 runs reproduced.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { loadServices, Services, sshConfigFor } from '../integration/services';
import { openWorkbenchWithVsix, Workbench } from '../harness/vscodeServer';
import { shots, vsix, webviewShowing } from './uiPaths';

interface Target {
  /** Names the screenshots and the describe block. */
  id: string;
  port: number;
  /** Workspace settings and the image's path, given the workspace folder. */
  setUp(workspace: string, services: Services): { settings: object; image: string; outputRoot: string; inputDir: string };
}

const exampleImage = (services: Services) => services.images.example;

const targets: Target[] = [
  {
    id: 'local',
    port: 18094,
    setUp: (workspace, services) => {
      fs.mkdirSync(path.join(workspace, 'images'));
      const image = path.join(workspace, 'images', 'sklearn-lab.sif');
      fs.copyFileSync(exampleImage(services), image);
      return { settings: { 'reprolab.imageFolders': [path.join(workspace, 'images')] }, image, outputRoot: path.join(workspace, 'runs'), inputDir: services.images.exampleData };
    },
  },
  {
    id: 'cluster',
    port: 18095,
    setUp: (workspace, services) => {
      const sshConfig = path.join(workspace, 'ssh_config');
      fs.writeFileSync(sshConfig, sshConfigFor(services, 'lab-login'));
      // The cluster user's own folder for outputs, as on a real login node.
      const outputRoot = `/home/${services.ssh.user}/reprolab-ui-lab-${process.pid}`;
      return {
        settings: { 'reprolab.clusters': [{ name: 'lab', host: 'lab-login', imageFolders: [path.dirname(exampleImage(services))] }], 'reprolab.ssh.configFile': sshConfig },
        image: exampleImage(services), outputRoot, inputDir: services.images.exampleData,
      };
    },
  },
];

for (const target of targets.filter((t) => !process.env.REPROLAB_UI_TARGET || t.id === process.env.REPROLAB_UI_TARGET)) {
  describe(`The whole lab by clicking (${target.id === 'local' ? 'this machine' : 'a cluster over SSH'})`, () => {
    const services = loadServices();
    let workbench: Workbench;
    let page: Page;
    let workspace: string;
    let setup: ReturnType<Target['setUp']>;
    const shot = (n: number, what: string) => page.screenshot({ path: path.join(shots, `lab-${target.id}-${String(n).padStart(2, '0')}-${what}.png`) });
    const sidebar = () => page.locator('#workbench\\.parts\\.sidebar');
    const jobRows = (seed: number) => sidebar().locator('.monaco-list-row', { hasText: `sklearn-lab (seed ${seed})` });

    before(async () => {
      workspace = fs.mkdtempSync(path.join(os.tmpdir(), `reprolab-ui-lab-${target.id}-`));
      setup = target.setUp(workspace, services);
      fs.mkdirSync(path.join(workspace, '.vscode'));
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ ...setup.settings, 'reprolab.refreshInterval': 5 }));
      workbench = await openWorkbenchWithVsix(vsix, workspace, target.port);
      page = workbench.page;
    });

    // What the screen showed when a step failed, for the person reading CI's artifacts.
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && page) await page.screenshot({ path: path.join(shots, `lab-${target.id}-failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
    });

    after(async () => {
      await workbench?.close();
      if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
      if (setup) fs.rmSync(setup.outputRoot, { recursive: true, force: true });
    });

    /** Types into a vscode-textfield of the form and leaves it, as a person does. */
    async function type(form: FrameLocator, id: string, value: string): Promise<void> {
      const input = form.locator(`#${id} input`);
      await input.fill(value);
      await input.press('Tab');
    }

    async function answer(value: string): Promise<void> {
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(value);
      await input.press('Enter');
    }

    async function waitCompleted(rows: Locator, count: number): Promise<void> {
      await rows.filter({ hasText: 'COMPLETED' }).nth(count - 1).waitFor({ timeout: 180000 });
    }

    it('finds the example image in the sidebar and opens its run form', async () => {
      await page.locator('.activitybar [aria-label^="ReproLab"]').first().click();
      const row = sidebar().locator('.monaco-list-row', { hasText: 'sklearn-lab.sif' }).first();
      await row.waitFor({ timeout: 90000 });
      await shot(1, 'image');
      await row.hover();
      await row.getByRole('button', { name: 'Open in Form' }).click();
      const form = page.locator('iframe.webview.ready').last().contentFrame().frameLocator('iframe#active-frame');
      await form.getByText('--random-state').first().waitFor({ timeout: 90000 });
      await shot(2, 'form');
    });

    it('runs it on Slurm with seed 0 into an output root, to COMPLETED, with its log in an output channel', async () => {
      const form = page.locator('iframe.webview.ready').last().contentFrame().frameLocator('iframe#active-frame');
      await type(form, 'opt-input_dir', setup.inputDir);
      await type(form, 'opt-random_state', '0');
      await type(form, 'output-root', setup.outputRoot);
      await form.locator('#target').click();
      await form.locator('#target').press('ArrowDown');
      await form.locator('#target').press('Enter');
      await type(form, 'slurm-partition', services.slurm.partition);
      await type(form, 'slurm-time', '10:00');
      await form.locator('#preview').getByText('#SBATCH --partition=debug').waitFor();
      await form.locator('#preview').getByText('--random-state 0').waitFor();
      await shot(3, 'form-filled');
      await form.locator('#run').click();
      const job = jobRows(0).first();
      await job.getByText(/job \d+/).waitFor({ timeout: 90000 });
      await shot(4, 'job-submitted');
      await waitCompleted(jobRows(0), 1);
      await page.locator('.part.panel').getByText(/Best\s\w+:\s.*\swith\s/).first().waitFor({ timeout: 60000 });
      await shot(5, 'job-completed-with-log');
      const saved = fs.readFileSync(path.join(workspace, '.reprolab', 'runs', 'sklearn-lab.yaml'), 'utf8');
      assert.match(saved, /random-state: 0/);
      assert.ok(saved.includes(`root: ${setup.outputRoot}`), saved);
    });

    it('shows the completed run\'s top 5 in the Scores view', async () => {
      const scores = await webviewShowing(page, 'Rank');
      await scores.locator('#top tbody tr').nth(4).waitFor({ timeout: 60000 });
      assert.strictEqual(await scores.locator('#top tbody tr').count(), 5);
      await shot(6, 'scores');
    });

    it('reruns with seed 0 and with seed 1 from the job, and the comparison finds seed 0 reproduced', async () => {
      for (const seed of [0, 1]) {
        const first = jobRows(0).first();
        await first.click({ button: 'right' });
        // The workbench's menus act on the item under the pointer when Enter is pressed, as a person may do.
        await page.locator('.context-view .action-label', { hasText: 'Run Again with Another Seed...' }).hover();
        await page.keyboard.press('Enter');
        await answer(String(seed));
        await waitCompleted(jobRows(seed), seed === 0 ? 2 : 1);
      }
      await shot(7, 'reruns');
      const rows = sidebar().locator('.monaco-list-row', { hasText: /sklearn-lab \(seed [01]\)/ });
      assert.strictEqual(await rows.count(), 3);
      await rows.nth(0).click();
      await rows.nth(2).click({ modifiers: ['Shift'] });
      await sidebar().locator('.pane-header', { hasText: 'Jobs' }).first().hover();
      await sidebar().getByRole('button', { name: 'Compare Runs' }).click();
      const compare = await webviewShowing(page, 'Comparison of 3 runs');
      await compare.getByText('reproduced', { exact: true }).waitFor();
      const verdicts = await compare.locator('#verdicts').innerText();
      assert.match(verdicts, /^reproduced: sklearn-lab \(seed 0\).*, sklearn-lab \(seed 0\)/);
      assert.match(await compare.locator('#differences').innerText(), /random.state/);
      await shot(8, 'compare');
    });
  });
}
