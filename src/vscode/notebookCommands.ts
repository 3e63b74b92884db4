import * as path from 'path';
import * as vscode from 'vscode';
import { probeApptainer } from '../core/apptainer/probe';
import { PortForward } from '../core/host/host';
import { checkKernel, contentsOf, KernelCheck, serverSettings, uploadFile, uploadNotebook, waitForServer } from '../core/jupyter/jupyterClient';
import { DEFAULT_MODEL, fillParameters, NOTEBOOK_FILE, NotebookParameters, Quantisation } from '../core/jupyter/notebookTemplate';
import { JOB_FILES, startJupyterJob, waitForConnection } from '../core/jupyter/serverJob';
import { LOCAL_HOST } from '../core/settings/clusters';
import { cancelJob } from '../core/slurm/submit';
import type { CommandContext } from './commands';
import { JUPYTER_SCHEME, JupyterFiles } from './jupyterFiles';
import { SlurmJupyterServers } from './jupyterServers';

const TOKEN_KEY = 'reprolab.huggingFaceToken';

/** The Jupyter servers ReproLab started this session: their files, kernel-picker entries and port forwards. */
export class NotebookServers implements vscode.Disposable {
  readonly files = new JupyterFiles();
  readonly servers = new SlurmJupyterServers();
  private readonly forwards = new Map<string, PortForward>();
  private readonly registration = vscode.workspace.registerFileSystemProvider(JUPYTER_SCHEME, this.files, { isCaseSensitive: true });

  /** Remembers a running server; `stop` forgets it when its job ends. */
  async add(key: string, label: string, forward: PortForward, token: string): Promise<vscode.Uri> {
    this.forwards.set(key, forward);
    const root = this.files.add(key, contentsOf(serverSettings(`http://127.0.0.1:${forward.localPort}`, token)));
    await this.servers.add({ id: key, label, localPort: forward.localPort, token });
    return root;
  }

  stop(key: string): void {
    this.servers.remove(key);
    this.files.remove(key);
    void this.forwards.get(key)?.close();
    this.forwards.delete(key);
  }

  dispose(): void {
    for (const key of [...this.forwards.keys()]) this.stop(key);
    this.servers.dispose();
    this.registration.dispose();
  }
}

/** What the command may be given instead of asking (from another command, or a test). */
export interface OpenNotebookOptions {
  /** `local` for this machine, else a cluster's name. */
  target?: string;
  /** PDFs on this machine. */
  pdfs?: string[];
  /** The image on the cluster, instead of the reprolab.notebook.image setting. */
  image?: string;
}

/** Where the notebook opened, and for a cluster, the job and the server's check. */
export interface OpenedNotebook {
  uri: vscode.Uri;
  target: string;
  jobId?: string;
  runId?: string;
  localPort?: number;
  kernel?: KernelCheck;
}

/** ReproLab: Open LLM Extraction Notebook, and the Hugging Face token it hands to jobs. */
export function notebookCommands(ctx: CommandContext): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.openLlmNotebook': (options?: OpenNotebookOptions) => openLlmNotebook(ctx, options ?? {}),
    'reprolab.setHuggingFaceToken': async (value?: unknown) => {
      const token = typeof value === 'string' ? value : await askToken();
      if (token === undefined) return;
      await ctx.secrets.store(TOKEN_KEY, token.trim());
      if (typeof value !== 'string') void vscode.window.showInformationMessage(token.trim() ? 'Hugging Face token saved in VS Code\'s secret storage.' : 'No Hugging Face token will be handed to jobs.');
    },
  };
}

function notebookSettings() {
  const config = vscode.workspace.getConfiguration('reprolab.notebook');
  return {
    image: config.get<string>('image', '').trim(),
    gres: config.get<string>('gpus', 'gpu:1').trim(),
    partition: config.get<string>('partition', '').trim(),
    time: config.get<string>('time', '02:00:00').trim(),
    modelId: config.get<string>('model', DEFAULT_MODEL).trim(),
    quantisation: config.get<Quantisation>('quantisation', '4bit'),
    chunkChars: config.get<number>('chunkChars', 3000),
  };
}

async function openLlmNotebook(ctx: CommandContext, options: OpenNotebookOptions): Promise<OpenedNotebook | undefined> {
  const target = options.target ?? (await pickTarget(ctx));
  if (!target) return undefined;
  const pdfs = options.pdfs ?? (await pickPdfs());
  if (!pdfs) return undefined;
  const template = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ctx.extensionUri, 'media', 'notebooks', NOTEBOOK_FILE))).toString('utf8');
  return target === LOCAL_HOST ? openHere(template, pdfs) : openOnCluster(ctx, target, template, pdfs, options.image);
}

async function pickTarget(ctx: CommandContext): Promise<string | undefined> {
  const clusters = ctx.settings.clusters().clusters.filter((c) => c.host !== LOCAL_HOST);
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(device-desktop) This machine', description: 'into the workspace, with a kernel of your own', target: LOCAL_HOST },
      ...clusters.map((c) => ({ label: `$(server-environment) ${c.name}`, description: 'a Jupyter server in an image, on a GPU node through Slurm', target: c.name })),
    ],
    { title: 'Open the LLM extraction notebook', placeHolder: 'Where should it run?' },
  );
  return picked?.target;
}

async function pickPdfs(): Promise<string[] | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { PDF: ['pdf'] }, openLabel: 'Extract from These PDFs', title: 'Papers to extract alloys and phases from' });
  return picked?.map((u) => u.fsPath);
}

function parameters(pdfPaths: string[], outputDir: string): NotebookParameters {
  const s = notebookSettings();
  return { pdfPaths, modelId: s.modelId, quantisation: s.quantisation, chunkChars: s.chunkChars, outputDir };
}

/** This machine: the notebook (and PDFs from outside the workspace, copied into papers/) in the workspace. */
async function openHere(template: string, pdfs: string[]): Promise<OpenedNotebook> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder first: the notebook and its PDFs are written into the workspace.');
  const pdfPaths: string[] = [];
  for (const pdf of pdfs) {
    const relative = path.relative(folder.uri.fsPath, pdf);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
      pdfPaths.push(relative.split(path.sep).join('/'));
      continue;
    }
    const copy = vscode.Uri.joinPath(folder.uri, 'papers', path.basename(pdf));
    if (!(await exists(copy))) await vscode.workspace.fs.copy(vscode.Uri.file(pdf), copy);
    pdfPaths.push(`papers/${path.basename(pdf)}`);
  }
  const notebook = fillParameters(template, parameters(pdfPaths, 'outputs'));
  let uri = vscode.Uri.joinPath(folder.uri, NOTEBOOK_FILE);
  for (let i = 2; await exists(uri); i++) uri = vscode.Uri.joinPath(folder.uri, NOTEBOOK_FILE.replace(/\.ipynb$/, `-${i}.ipynb`));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(notebook));
  await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(uri));
  return { uri, target: LOCAL_HOST };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

/** Asks once for the image the server runs in, and keeps it in the user's reprolab.notebook.image. */
async function askImage(cluster: string): Promise<string | undefined> {
  const typed = (await vscode.window.showInputBox({
    title: 'Image for the notebook\'s Jupyter server',
    prompt: `The path of a .sif on ${cluster} with Jupyter Server (or JupyterLab) and ipykernel, and for the model transformers, torch and bitsandbytes`,
    placeHolder: '/path/to/llm-notebook.sif',
    ignoreFocusOut: true,
    validateInput: (v) => (/^\/\S*\.sif$/.test(v.trim()) ? undefined : 'Write the absolute path of a .sif file'),
  }))?.trim();
  if (typed) await vscode.workspace.getConfiguration('reprolab.notebook').update('image', typed, vscode.ConfigurationTarget.Global);
  return typed;
}

/** The token handed to jobs: asked once, then kept in SecretStorage ('' means none). */
async function huggingFaceToken(ctx: CommandContext): Promise<string> {
  const kept = await ctx.secrets.get(TOKEN_KEY);
  if (kept !== undefined) return kept;
  const typed = (await askToken()) ?? '';
  await ctx.secrets.store(TOKEN_KEY, typed.trim());
  return typed.trim();
}

function askToken(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Hugging Face token',
    prompt: 'For gated models such as Llama (huggingface.co/settings/tokens). Kept in VS Code\'s secret storage and handed to jobs as a private file; leave empty for none.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
  });
}

/**
 * A cluster: a Jupyter server in the image as a Slurm job, reached through a forwarded port; the
 * notebook and PDFs uploaded through its REST API, a kernel checked, the notebook opened from it.
 */
async function openOnCluster(ctx: CommandContext, name: string, template: string, pdfs: string[], imageOption?: string): Promise<OpenedNotebook | undefined> {
  const cluster = ctx.settings.clusters().clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`No cluster is named "${name}": add it to the reprolab.clusters setting.`);
  const s = notebookSettings();
  const image = imageOption ?? (s.image || (await askImage(cluster.name)));
  if (!image) return undefined;
  const host = ctx.hosts.hostFor(cluster.name, cluster.host);
  if (!(await host.stat(image).then((st) => st.isFile, () => false))) throw new Error(`${image} is not an image on ${cluster.name}: set reprolab.notebook.image to the path of a .sif there.`);
  const hfToken = await huggingFaceToken(ctx);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Jupyter on ${cluster.name}`, cancellable: true }, async (progress, cancel) => {
    const abort = new AbortController();
    cancel.onCancellationRequested(() => abort.abort());
    progress.report({ message: 'submitting the job' });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const folder = `${await host.home()}/reprolab-jupyter/${stamp}`;
    const job = await startJupyterJob(host, { apptainer: (await probeApptainer(host)).binary, image, folder, partition: s.partition, time: s.time, gres: s.gres, jobName: 'reprolab-jupyter' }, hfToken || undefined);
    const run = ctx.jobsTree.track({ name: 'Jupyter server (LLM extraction)', cluster: cluster.name, where: cluster.name, outputFolder: folder, jobId: job.jobId, logPath: job.logPath });
    ctx.log.info(`Jupyter job ${job.jobId} on ${cluster.name} in ${folder}`);
    let forward: PortForward | undefined;
    try {
      const connection = await waitForConnection(host, job, { signal: abort.signal, onState: (state, reason) => progress.report({ message: `job ${job.jobId} ${state.toLowerCase()}${reason ? ` (${reason})` : ''}` }) });
      progress.report({ message: `forwarding a port to ${connection.host}:${connection.port}` });
      forward = await host.forwardPort(connection.host, connection.port);
      const settings = serverSettings(`http://127.0.0.1:${forward.localPort}`, connection.token);
      await waitForServer(settings, { signal: abort.signal });
      progress.report({ message: 'uploading the notebook and PDFs' });
      const contents = contentsOf(settings);
      const root = `${folder}/${JOB_FILES.notebooks}`;
      const pdfPaths: string[] = [];
      for (const pdf of pdfs) {
        await uploadFile(contents, `papers/${path.basename(pdf)}`, Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(pdf))));
        pdfPaths.push(`${root}/papers/${path.basename(pdf)}`);
      }
      // Absolute paths on the cluster: whatever folder the kernel starts in, the notebook finds them.
      await uploadNotebook(contents, NOTEBOOK_FILE, fillParameters(template, parameters(pdfPaths, `${root}/outputs`)));
      contents.dispose();
      progress.report({ message: 'starting a kernel' });
      const kernel = await checkKernel(settings);
      ctx.log.info(`Jupyter job ${job.jobId}: kernel ${kernel.kernelName}, Python ${kernel.python}, GPU ${kernel.gpu}`);
      const key = `slurm-${job.jobId}.${cluster.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
      const uri = vscode.Uri.joinPath(await ctx.notebooks.add(key, `${cluster.name} · job ${job.jobId}`, forward, connection.token), NOTEBOOK_FILE);
      void ctx.jobsTree.whenFinished(run.id).then(() => ctx.notebooks.stop(key));
      await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(uri));
      offerKernel(cluster.name, forward.localPort, connection.token, kernel);
      return { uri, target: cluster.name, jobId: job.jobId, runId: run.id, localPort: forward.localPort, kernel };
    } catch (err) {
      // A server nobody can reach only holds a GPU: stop it.
      await forward?.close();
      await cancelJob(host, job.jobId).catch(() => undefined);
      throw err;
    }
  });
}

/** With the Jupyter extension: pick "ReproLab on Slurm" as the kernel; without it: the server's web UI. */
function offerKernel(cluster: string, localPort: number, token: string, kernel: KernelCheck): void {
  const ready = `Jupyter on ${cluster} is ready (Python ${kernel.python}, GPU: ${kernel.gpu}).`;
  if (SlurmJupyterServers.available()) {
    void vscode.window.showInformationMessage(`${ready} Choose its kernel with Select Kernel → ReproLab on Slurm.`);
    return;
  }
  const browser = 'Open in Browser';
  const install = 'Install Jupyter Extension';
  void vscode.window.showInformationMessage(`${ready} Without the Jupyter extension VS Code cannot run its kernel here: open the server's own page instead.`, browser, install).then((choice) => {
    if (choice === browser) void vscode.env.openExternal(vscode.Uri.parse(`http://127.0.0.1:${localPort}/?token=${token}`));
    if (choice === install) void vscode.commands.executeCommand('workbench.extensions.installExtension', 'ms-toolsai.jupyter');
  });
}
