import * as fs from 'fs';
import type { Frame, Page } from 'playwright-core';
import * as path from 'path';
import { repoRoot } from '../paths';

/** The package the ui tier installs, as a user would. */
export const vsix = path.join(repoRoot, 'reprolab.vsix');
/** Where screenshots go; CI keeps test-results/. */
export const shots = path.join(repoRoot, 'test-results', 'ui');
fs.mkdirSync(shots, { recursive: true });

/** The webview frame (Scores view, comparison panel) that shows `text`, once one does (a minute at most). */
export async function webviewShowing(page: Page, text: string): Promise<Frame> {
  for (let i = 0; i < 300; i++) {
    for (const frame of page.frames()) {
      if (await frame.getByText(text).count().catch(() => 0)) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview shows "${text}"`);
}
