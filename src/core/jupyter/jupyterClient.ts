/**
 * A Jupyter server through its REST API and kernel websockets (`@jupyterlab/services`): whether it
 * answers, files and notebooks up and down (contents), and a kernel started, probed and stopped.
 */
import { ContentsManager, KernelAPI, KernelConnection, KernelMessage, ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import { HostError } from '../host/host';

/** A server's address and token, for every call below. */
export function serverSettings(baseUrl: string, token: string): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: baseUrl.replace(/\/?$/, '/'),
    wsUrl: baseUrl.replace(/^http/, 'ws').replace(/\/?$/, '/'),
    token,
    appendToken: true,
    // Node has no browser WebSocket; `ws` speaks the same protocol.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
}

/** The server's /api/status, or why it did not answer. */
export async function serverStatus(settings: ServerConnection.ISettings): Promise<{ ok: true; version?: string } | { ok: false; why: string }> {
  try {
    const response = await ServerConnection.makeRequest(`${settings.baseUrl}api/status`, {}, settings);
    if (response.status === 403) return { ok: false, why: 'the server refused the token' };
    if (!response.ok) return { ok: false, why: `HTTP ${response.status}` };
    const version = await ServerConnection.makeRequest(`${settings.baseUrl}api`, {}, settings).then((r) => r.json() as Promise<{ version?: string }>).catch(() => ({ version: undefined }));
    return { ok: true, ...(version.version ? { version: version.version } : {}) };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** Asks /api/status until the server answers; the token being refused ends the wait at once. */
export async function waitForServer(settings: ServerConnection.ISettings, options: { signal?: AbortSignal; intervalMs?: number; attempts?: number } = {}): Promise<{ version?: string }> {
  let why = '';
  for (let i = 0; i < (options.attempts ?? 60); i++) {
    if (options.signal?.aborted) throw new HostError('cancelled', 'Waiting for the Jupyter server was cancelled.');
    const status = await serverStatus(settings);
    if (status.ok) return status;
    why = status.why;
    if (why === 'the server refused the token') break;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
  throw new HostError('connection', `The Jupyter server at ${settings.baseUrl} did not answer (${why}): check the job's log.`);
}

/** Makes each missing folder of a relative path, parent first. */
export async function ensureFolder(contents: ContentsManager, folder: string): Promise<void> {
  const parts = folder.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const path = parts.slice(0, i).join('/');
    const exists = await contents.get(path, { content: false }).then((m) => m.type === 'directory', () => false);
    if (!exists) await contents.save(path, { type: 'directory' });
  }
}

/** Uploads a notebook (its JSON text) to a path relative to the server's root. */
export async function uploadNotebook(contents: ContentsManager, path: string, notebookJson: string): Promise<void> {
  await ensureFolder(contents, parentOf(path));
  await contents.save(path, { type: 'notebook', format: 'json', content: JSON.parse(notebookJson) });
}

/** Uploads a file of any kind (a PDF) to a path relative to the server's root. */
export async function uploadFile(contents: ContentsManager, path: string, data: Buffer): Promise<void> {
  await ensureFolder(contents, parentOf(path));
  await contents.save(path, { type: 'file', format: 'base64', content: data.toString('base64') });
}

/** Reads a file as bytes, whatever format the server returns it in. */
export async function downloadFile(contents: ContentsManager, path: string): Promise<Buffer> {
  const model = await contents.get(path, { content: true, type: 'file' });
  if (model.type === 'notebook') return Buffer.from(JSON.stringify(model.content));
  return model.format === 'base64' ? Buffer.from(String(model.content), 'base64') : Buffer.from(String(model.content), 'utf8');
}

function parentOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** What running code in a kernel gave. */
export interface CellResult {
  status: 'ok' | 'error' | 'abort' | 'aborted';
  stdout: string;
  stderr: string;
  /** `text/plain` (and `text/html`) of display data and results, in order. */
  displays: { text?: string; html?: string }[];
  /** `Name: value` of the exception, when the code raised one. */
  error?: string;
}

/** Runs code in a kernel and collects its output until the kernel says it is done. */
export async function runCode(kernel: KernelConnection, code: string): Promise<CellResult> {
  const result: CellResult = { status: 'ok', stdout: '', stderr: '', displays: [] };
  const future = kernel.requestExecute({ code, stop_on_error: true, store_history: false });
  future.onIOPub = (msg) => {
    const content = msg.content as Record<string, unknown>;
    if (KernelMessage.isStreamMsg(msg)) result[msg.content.name === 'stderr' ? 'stderr' : 'stdout'] += msg.content.text;
    else if (KernelMessage.isDisplayDataMsg(msg) || KernelMessage.isExecuteResultMsg(msg)) {
      const data = content.data as Record<string, string>;
      result.displays.push({ text: data['text/plain'], html: data['text/html'] });
    } else if (KernelMessage.isErrorMsg(msg)) result.error = `${msg.content.ename}: ${msg.content.evalue}`;
  };
  const reply = await future.done;
  result.status = reply.content.status;
  return result;
}

/** A kernel started on the server, ready for code; stop() shuts it down. */
export interface StartedKernel {
  kernel: KernelConnection;
  stop(): Promise<void>;
}

/** Starts a kernel (the server's default when no name is given) and waits until it answers. */
export async function startKernel(settings: ServerConnection.ISettings, name?: string, options: { path?: string; timeoutMs?: number } = {}): Promise<StartedKernel> {
  const model = await KernelAPI.startNew(name ? { name } : {}, settings);
  const kernel = new KernelConnection({ model, serverSettings: settings, handleComms: false });
  const stop = async () => {
    kernel.dispose();
    await KernelAPI.shutdownKernel(model.id, settings).catch(() => undefined);
  };
  try {
    // The connection asks the kernel for its info once its websocket is open; that reply means ready.
    let timer: NodeJS.Timeout | undefined;
    const info = await Promise.race([
      kernel.info,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the kernel ${model.name} did not answer within ${Math.round((options.timeoutMs ?? 60000) / 1000)} s (websocket ${kernel.connectionStatus})`)), options.timeoutMs ?? 60000))),
    ]).finally(() => clearTimeout(timer));
    if (info.status !== 'ok') throw new Error(`the kernel ${model.name} did not answer`);
    if (options.path) await runCode(kernel, `import os; os.chdir(${JSON.stringify(options.path)})`);
  } catch (err) {
    await stop();
    throw new HostError('io', `The Jupyter server started no working kernel: ${(err as Error).message}.`);
  }
  return { kernel, stop };
}

/** What the kernel check found: the kernel's Python, and whether a GPU is visible to it. */
export interface KernelCheck {
  kernelName: string;
  python: string;
  gpu: string;
}

const PROBE = [
  'import sys',
  'try:',
  '    import torch',
  '    gpu = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())) or "none visible"',
  'except ImportError:',
  '    gpu = "unknown (no PyTorch)"',
  'print(sys.version.split()[0]); print(gpu)',
].join('\n');

/** Starts a kernel, asks it for its Python version and GPUs, and shuts it down again. */
export async function checkKernel(settings: ServerConnection.ISettings): Promise<KernelCheck> {
  const { kernel, stop } = await startKernel(settings);
  try {
    const probe = await runCode(kernel, PROBE);
    if (probe.status !== 'ok') throw new HostError('io', `The kernel started but could not run Python: ${probe.error ?? probe.stderr.trim()}.`);
    const [python = '', gpu = ''] = probe.stdout.trim().split('\n');
    return { kernelName: kernel.name, python, gpu };
  } finally {
    await stop();
  }
}

/** A ContentsManager for a server. */
export function contentsOf(settings: ServerConnection.ISettings): ContentsManager {
  return new ContentsManager({ serverSettings: settings });
}
