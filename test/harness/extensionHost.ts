// Runs extension tests in the real VS Code extension host: the equivalent of launching desktop VS Code
// with --extensionDevelopmentPath and --extensionTestsPath. The page's smoke-test driver hands the
// test result back through codeAutomationExit.
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import { launchChromium, startVsCodeServer, workbenchUrl } from './vscodeServer';

export interface ExtensionTestRun {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  workspaceFolder: string;
  port?: number;
  timeoutMs?: number;
}

// Workbench chatter that says nothing about the extension under test.
const NOISE = /AgentHost|ChatModelSelection|AccountPolicyGate|open-vsx|connection token|Creating a socket|grace-time|Service Worker|builtin extensions cache|marketplace|Failed to fetch|authentication provider/;

/** Returns the exit code of the extension tests: 0 when every test passed. */
export async function runExtensionTests(run: ExtensionTestRun): Promise<number> {
  const server = await startVsCodeServer({ port: run.port ?? 18090 });
  const started = Date.now();
  let browser;
  try {
    const auth = new URL(server.url).host;
    const tests = /\.[cm]?js$/.test(run.extensionTestsPath) ? run.extensionTestsPath : `${run.extensionTestsPath}.js`;
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', `vscode-remote://${auth}${path.resolve(run.extensionDevelopmentPath)}`],
      ['extensionTestsPath', `vscode-remote://${auth}${path.resolve(tests)}`],
      ['skipWelcome', 'true'],
    ];
    browser = await launchChromium(server.dataDir);
    const page = await browser.newPage();
    let exit: (code: number | string) => void = () => undefined;
    const exited = new Promise<number | string>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...args);
      if (!NOISE.test(line)) console.log(`[exthost ${type}] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await page.goto(workbenchUrl(server, path.resolve(run.workspaceFolder), payload));
    const timeout = setTimeout(() => exit('timeout'), run.timeoutMs ?? 300000);
    const code = await exited;
    clearTimeout(timeout);
    console.log(`[vscode] extension tests finished with ${code} after ${Date.now() - started} ms`);
    if (code !== 0) console.log(`[vscode] server logs kept in ${server.dataDir}`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

/** Parses the arguments @vscode/test-electron passes to a VS Code executable. */
export function parseCodeArgs(argv: string[]): ExtensionTestRun {
  let dev: string | undefined;
  let tests: string | undefined;
  let folder: string | undefined;
  for (const arg of argv) {
    if (arg.startsWith('--extensionDevelopmentPath=')) dev ??= arg.slice(arg.indexOf('=') + 1);
    else if (arg.startsWith('--extensionTestsPath=')) tests = arg.slice(arg.indexOf('=') + 1);
    else if (!arg.startsWith('-') && !folder) folder = arg;
  }
  if (!dev || !tests) throw new Error('usage: code-launcher --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER]');
  return { extensionDevelopmentPath: dev, extensionTestsPath: tests, workspaceFolder: folder && fs.existsSync(folder) ? folder : dev };
}
