// Starts the VS Code server shipped in the npm package code-server (a real VS Code with a real Node
// extension host) and opens its workbench in headless Debian Chromium through playwright-core.
// scripts/install-test-deps.sh installs both pieces into the cache named in versions.json.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const versions = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'harness', 'versions.json'), 'utf8'));
const cache = process.env.REPROLAB_CACHE ?? versions.cache;
export const node24 = path.join(cache, `node-${versions.node24}`, 'node_modules', 'node', 'bin', 'node');
export const serverMain = path.join(cache, `code-server-${versions.codeServer}`, 'lib', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function requireInstalled(): void {
  for (const file of [node24, serverMain, chromiumPath]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run scripts/install-test-deps.sh as root first.`);
  }
}

export interface VsCodeServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  port: number;
  /** Folder for user data, server data and logs; a fresh temporary one by default. */
  dataDir?: string;
  /** Where installed extensions live; defaults to a folder inside dataDir. */
  extensionsDir?: string;
  host?: string;
}

function serverArgs(dataDir: string, extensionsDir: string): string[] {
  return ['--accept-server-license-terms', '--disable-telemetry', '--server-data-dir', path.join(dataDir, 'server'),
    '--user-data-dir', path.join(dataDir, 'user'), '--extensions-dir', extensionsDir];
}

/** Installs a .vsix into an extensions folder with the server's own CLI, as a user would. */
export function installVsix(vsix: string, extensionsDir: string, dataDir: string): void {
  requireInstalled();
  const r = spawnSync(node24, [serverMain, ...serverArgs(dataDir, extensionsDir), '--install-extension', vsix, '--force'], { encoding: 'utf8', env: serverEnv(dataDir) });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status}): ${r.stderr || r.stdout}`);
}

function serverEnv(dataDir: string): NodeJS.ProcessEnv {
  fs.mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
  return { ...process.env, TMPDIR: path.join(dataDir, 'tmp'), XDG_CACHE_HOME: path.join(dataDir, 'cache') };
}

/** Starts the server and resolves once it answers on /version. */
export async function startVsCodeServer(options: ServerOptions): Promise<VsCodeServer> {
  requireInstalled();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-vscode-'));
  const extensionsDir = options.extensionsDir ?? path.join(dataDir, 'extensions');
  const host = options.host ?? '127.0.0.1';
  const logFile = path.join(dataDir, 'server.log');
  writeDefaultUserSettings(dataDir);
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(node24, [serverMain, '--host', host, '--port', String(options.port), '--without-connection-token',
    '--enable-smoke-test-driver', '--disable-workspace-trust', ...serverArgs(dataDir, extensionsDir)],
  { detached: true, stdio: ['ignore', log, log], env: serverEnv(dataDir) });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://${host}:${options.port}`;
  const stop = async () => {
    if (exited) return;
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  };
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`VS Code server exited at start; see ${logFile}`);
    try {
      if ((await fetch(`${url}/version`)).ok) break;
    } catch { /* not listening yet */ }
    if (i > 300) { await stop(); throw new Error(`VS Code server did not answer within 60 s; see ${logFile}`); }
    await sleep(200);
  }
  return { url, dataDir, stop };
}

// A quiet workbench: no welcome page, no chat panel, nothing phoning home.
export const quietWorkbenchSettings = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
};

function writeDefaultUserSettings(dataDir: string): void {
  const file = path.join(dataDir, 'user', 'User', 'settings.json');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(quietWorkbenchSettings, null, 2));
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchChromium(dataDir: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dataDir, 'xdg'), XDG_CACHE_HOME: path.join(dataDir, 'cache') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

/** The workbench page URL for a folder, with the payload that carries extension test paths. */
export function workbenchUrl(server: VsCodeServer, folder: string, payload: [string, string][] = []): string {
  const query = `folder=${encodeURIComponent(folder)}` + (payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
  return `${server.url}/?${query}`;
}

/** Waits until the workbench has rendered its activity bar. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench .activitybar', { timeout: 60000 });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Workbench {
  page: Page;
  close(): Promise<void>;
}

/** Installs a .vsix into a fresh VS Code server, opens `folder` in headless Chromium and waits for the workbench. */
export async function openWorkbenchWithVsix(vsix: string, folder: string, port: number): Promise<Workbench> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-ui-'));
  installVsix(vsix, path.join(dataDir, 'extensions'), dataDir);
  const server = await startVsCodeServer({ port, dataDir });
  const browser = await launchChromium(dataDir).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(workbenchUrl(server, folder));
  await waitForWorkbench(page);
  return {
    page,
    close: async () => {
      await browser.close();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
