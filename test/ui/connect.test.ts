// ui tier: connecting to a login node that asks for a second factor, by clicking and typing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { loadServices, sshConfigFor } from '../integration/services';
import { openWorkbenchWithVsix, Workbench } from '../harness/vscodeServer';
import { shots, vsix } from './uiPaths';

describe('Connecting to a cluster with a second factor', () => {
  const services = loadServices();
  let workbench: Workbench;
  let page: Page;
  let workspace: string;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-ui-ssh-'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    const sshConfig = path.join(workspace, 'ssh_config');
    // The login node wants a key and then a keyboard-interactive answer, as Duo or TOTP setups do.
    fs.writeFileSync(sshConfig, sshConfigFor(services, 'lab-login', services.ssh.mfaPort));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'reprolab.clusters': [{ name: 'lab', host: 'lab-login' }],
      'reprolab.ssh.configFile': sshConfig,
    }));
    workbench = await openWorkbenchWithVsix(vsix, workspace, 18092);
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('asks the second factor in an input box from the status bar and shows the connection', async () => {
    await page.locator('.activitybar [aria-label^="ReproLab"]').first().click();
    const status = page.locator('.statusbar-item', { hasText: 'lab' }).first();
    await status.waitFor({ timeout: 60000 });
    await status.click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30000 });
    const prompt = await page.locator('.quick-input-widget').innerText();
    assert.match(prompt, /Password:/);
    assert.strictEqual(await input.getAttribute('type'), 'password', 'the answer is hidden while typed');
    await page.screenshot({ path: path.join(shots, '03-second-factor-prompt.png') });
    await input.fill(services.ssh.password);
    await input.press('Enter');
    await page.locator('.statusbar-item', { hasText: 'lab' }).locator('.codicon-remote').first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(shots, '04-connected.png') });
  });
});
