import * as path from 'path';
import * as vscode from 'vscode';
import { runArgv } from '../../core/apptainer/commands';
import { readImageHelp } from '../../core/apptainer/imageHelp';
import { probeApptainer } from '../../core/apptainer/probe';
import { FormSchema } from '../../core/argparse/help';
import { Host } from '../../core/host/host';
import { checkFormValues, argumentsFromValues, valuesFromArguments } from '../../core/runs/formValues';
import { labWarnings } from '../../core/runs/labWarnings';
import { checkOutputFolder } from '../../core/runs/outputFolder';
import { ArgumentValue, argumentArgv, checkSlurmResources, parseRunConfig, RunConfig, setInDocument, SLURM_KEYS, SlurmResources } from '../../core/runs/runConfig';
import { isOutputDest } from '../../core/runs/runPlan';
import { renderBatchScript } from '../../core/slurm/batchScript';
import { commandLine } from '../../core/shell';
import { CommandContext } from '../commands';
import { lastConfigOf, launchRun, LaunchedRun, loadRunConfig } from '../runner';
import { webviewPage } from './webviewPage';

/** What the form edits besides the image's own arguments. */
interface FormState {
  name: string;
  image: string;
  cluster?: string;
  values: Record<string, ArgumentValue>;
  target: 'local' | 'slurm';
  slurm: SlurmResources;
  cleanenv: boolean;
  nv: boolean;
  /** Where fresh output folders go (`output.root`); empty for the default, ~/reprolab-runs. */
  outputRoot: string;
}

/** A run form: one webview panel per run configuration, rendered from the image's --help. */
export class RunFormPanel {
  private static readonly panels = new Map<string, RunFormPanel>();
  private state: FormState;
  private configUri?: vscode.Uri;
  private binary = 'apptainer';

  private constructor(
    private readonly ctx: CommandContext,
    private readonly panel: vscode.WebviewPanel,
    private readonly host: Host,
    private readonly schema: FormSchema,
    state: FormState,
    configUri?: vscode.Uri,
  ) {
    this.state = state;
    this.configUri = configUri;
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((message) => this.onMessage(message).catch((err) => this.post({ type: 'error', message: (err as Error).message })));
    panel.onDidDispose(() => RunFormPanel.panels.delete(this.key));
    void probeApptainer(host).then((a) => {
      this.binary = a.binary;
      this.update();
    }, () => undefined);
  }

  private get key(): string {
    return this.configUri?.toString() ?? `${this.state.cluster ?? ''}:${this.state.image}`;
  }

  /** Opens the form for an image, or for a saved run configuration. */
  static async open(ctx: CommandContext, source: { host: Host; cluster?: string; image: string; modified: number } | { configUri: vscode.Uri }): Promise<RunFormPanel> {
    // An image that already has a configuration opens the last one saved for it, with its values.
    if (!('configUri' in source)) {
      const last = await lastConfigOf(source.image, source.cluster);
      if (last) source = { configUri: last };
    }
    let host: Host;
    let state: FormState;
    let configUri: vscode.Uri | undefined;
    let config: RunConfig | undefined;
    let modified: number;
    if ('configUri' in source) {
      configUri = source.configUri;
      const parsed = parseRunConfig(Buffer.from(await vscode.workspace.fs.readFile(configUri)).toString('utf8'));
      if (!parsed.config) throw new Error(`${path.basename(configUri.fsPath)} has problems: ${parsed.diagnostics[0]?.message ?? 'it is not valid'} (line ${(parsed.diagnostics[0]?.line ?? 0) + 1}).`);
      config = parsed.config;
      const cluster = config.cluster ? ctx.settings.clusters().clusters.find((c) => c.name === config!.cluster) : undefined;
      if (config.cluster && !cluster) throw new Error(`The configuration runs on "${config.cluster}", which is not in the reprolab.clusters setting.`);
      host = cluster ? ctx.hosts.hostFor(cluster.name, cluster.host) : ctx.hosts.local;
      modified = (await host.stat(config.image)).mtime.getTime();
      state = { name: path.basename(configUri.fsPath, '.yaml'), image: config.image, cluster: config.cluster, values: {}, target: config.target?.type ?? 'local', slurm: { ...config.target?.slurm }, cleanenv: !!config.apptainer?.cleanenv, nv: !!config.apptainer?.nv, outputRoot: config.output?.root ?? '' };
    } else {
      host = source.host;
      modified = source.modified;
      state = { name: path.posix.basename(source.image).replace(/\.sif$/i, ''), image: source.image, cluster: source.cluster, values: {}, target: 'local', slurm: {}, cleanenv: false, nv: false, outputRoot: '' };
    }
    const existing = RunFormPanel.panels.get(configUri?.toString() ?? `${state.cluster ?? ''}:${state.image}`);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const { schema } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the options of ${path.posix.basename(state.image)}` }, () => readImageHelp(host, state.image, modified));
    if (config) state.values = valuesFromArguments(config.arguments, schema);
    const panel = vscode.window.createWebviewPanel('reprolab.runForm', `Run ${state.name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    const form = new RunFormPanel(ctx, panel, host, schema, state, configUri);
    RunFormPanel.panels.set(form.key, form);
    return form;
  }

  private lastWarnings: string[] = [];

  /** For tests: the warnings the form shows now. */
  get warnings(): string[] {
    return [...this.lastWarnings];
  }

  /** For tests: the values the form holds now. */
  get values(): Record<string, ArgumentValue> {
    return { ...this.state.values };
  }

  get savedTo(): vscode.Uri | undefined {
    return this.configUri;
  }

  /** Applies values as if typed in the form (tests and commands use this). */
  async setValues(values: Record<string, ArgumentValue | null | undefined>): Promise<void> {
    await this.onMessage({ type: 'update', values: { ...this.state.values, ...values } });
    this.post({ type: 'init', ...this.initMessage() });
  }

  async save(): Promise<vscode.Uri> {
    return this.write();
  }

  /** Saves, then runs the configuration on its target; the run appears in the Jobs view. */
  async run(options: { seeds?: string } = {}): Promise<LaunchedRun> {
    const uri = await this.write();
    return launchRun(this.ctx, await loadRunConfig(this.ctx, uri), { form: this.schema, ...options });
  }

  private async onMessage(message: unknown): Promise<void> {
    // Every message from the webview is checked before it is used.
    if (!message || typeof message !== 'object') return;
    const m = message as Record<string, unknown>;
    switch (m.type) {
      case 'ready':
        this.post({ type: 'init', ...this.initMessage() });
        return;
      case 'update': {
        const checked = checkFormValues(m.values, this.schema);
        if (checked.error) return this.post({ type: 'error', message: `Not applied: ${checked.error}.` });
        this.state.values = checked.values!;
        if (typeof m.name === 'string' && /^[A-Za-z0-9._-]{1,80}$/.test(m.name)) this.state.name = m.name;
        if (m.target === 'local' || m.target === 'slurm') this.state.target = m.target;
        if (m.slurm !== undefined) {
          const slurm = checkSlurmResources(m.slurm);
          if (typeof slurm === 'string') return this.post({ type: 'error', message: `Not applied: ${slurm}` });
          this.state.slurm = slurm;
        }
        if (typeof m.cleanenv === 'boolean') this.state.cleanenv = m.cleanenv;
        if (typeof m.nv === 'boolean') this.state.nv = m.nv;
        if (typeof m.outputRoot === 'string' && ![...m.outputRoot].some((c) => c < ' ')) this.state.outputRoot = m.outputRoot.trim();
        this.update();
        return;
      }
      case 'run': {
        const started = await this.run();
        this.post({ type: 'running', folder: started.outputFolder, jobId: started.jobId });
        started.finished.then(
          (end) => this.post({ type: 'finished', state: end.state, exitCode: end.exitCode, folder: started.outputFolder }),
          (err: Error) => this.post({ type: 'error', message: err.message }),
        );
        return;
      }
      case 'save': {
        const uri = await this.write();
        this.post({ type: 'saved', path: vscode.workspace.asRelativePath(uri) });
        return;
      }
      case 'browse': {
        if (typeof m.dest !== 'string') return;
        const picked = await pickFolder(this.host, typeof m.current === 'string' && m.current ? m.current : await this.host.home());
        if (picked) {
          if (m.outputRoot === true) this.state.outputRoot = picked;
          else this.state.values[m.dest] = picked;
          this.post({ type: 'init', ...this.initMessage() });
          this.update();
        }
        return;
      }
    }
  }

  private initMessage() {
    return { schema: this.schema, state: this.state, where: this.state.cluster ?? 'this machine' };
  }

  private outputCheck?: { folder: string; warning?: string };

  /** "Output folder already holds results", checked on the host when the output option changes. */
  private checkOutputOption(): string | undefined {
    const option = this.schema.groups.flatMap((g) => g.options).find((o) => /(^|_)(output|out)(_|$)/i.test(o.dest) && o.type.name === 'path');
    const folder = option ? this.state.values[option.dest] : undefined;
    if (typeof folder !== 'string' || !folder) return undefined;
    if (this.outputCheck?.folder !== folder) {
      this.outputCheck = { folder };
      checkOutputFolder(this.host, folder).then(
        () => undefined,
        (err: Error) => {
          if (this.outputCheck?.folder === folder) {
            this.outputCheck.warning = err.message;
            this.update();
          }
        },
      );
    }
    return this.outputCheck.warning;
  }

  private update(): void {
    let preview: string;
    try {
      const args = argumentArgv(argumentsFromValues(this.state.values, this.schema), this.schema);
      const flags = { cleanenv: this.state.cleanenv, nv: this.state.nv };
      preview = this.state.target === 'slurm'
        ? renderBatchScript({ jobName: this.state.name, resources: this.state.slurm, apptainer: this.binary, image: this.state.image, args, flags, outputFolder: '<a fresh output folder>' })
        : commandLine(runArgv(this.binary, this.state.image, args, flags));
    } catch (err) {
      preview = `(${(err as Error).message})`;
    }
    // The output folder is not missing: every run gets a fresh one under the output root.
    const missing = this.schema.groups.flatMap((g) => g.options).filter((o) => o.required && !isOutputDest(o.dest) && this.state.values[o.dest] === undefined).map((o) => o.flags[0] ?? o.dest);
    const outputWarning = this.checkOutputOption();
    const warnings = [
      ...(missing.length ? [`Required: ${missing.join(', ')}.`] : []),
      ...labWarnings(argumentsFromValues(this.state.values, this.schema), this.schema),
      ...(outputWarning ? [outputWarning] : []),
    ];
    this.lastWarnings = warnings;
    this.post({ type: 'preview', command: preview, warnings });
  }

  private async write(): Promise<vscode.Uri> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('Open a folder first: run configurations are saved in its .reprolab/runs/.');
    const uri = this.configUri ?? vscode.Uri.joinPath(folder.uri, '.reprolab', 'runs', `${this.state.name}.yaml`);
    let text = '';
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    } catch {
      text = `# ReproLab run configuration: edit here or with "Open in Form".\n`;
    }
    const { document } = parseRunConfig(text);
    const args = argumentsFromValues(this.state.values, this.schema);
    setInDocument(document, ['image'], this.state.image);
    setInDocument(document, ['cluster'], this.state.cluster);
    const existing = (document.getIn(['arguments']) as { toJSON?: () => Record<string, unknown> } | undefined)?.toJSON?.() ?? {};
    for (const key of Object.keys(existing)) if (!(key in args)) document.deleteIn(['arguments', key]);
    for (const [key, value] of Object.entries(args)) setInDocument(document, ['arguments', key], value);
    setInDocument(document, ['apptainer', 'cleanenv'], this.state.cleanenv || undefined);
    setInDocument(document, ['apptainer', 'nv'], this.state.nv || undefined);
    setInDocument(document, ['target', 'type'], this.state.target);
    setInDocument(document, ['output', 'root'], this.state.outputRoot || undefined);
    if (this.state.target === 'slurm') for (const key of SLURM_KEYS) setInDocument(document, ['target', 'slurm', key], this.state.slurm[key]);
    const out = document.toString();
    const check = parseRunConfig(out);
    if (!check.config) throw new Error(`The configuration would not be valid: ${check.diagnostics[0]?.message}`);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(out));
    if (!this.configUri) {
      RunFormPanel.panels.delete(this.key);
      this.configUri = uri;
      RunFormPanel.panels.set(this.key, this);
    }
    this.ctx.log.info(`Saved ${uri.fsPath}`);
    return uri;
  }

  private post(message: object): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const media = (file: string) => vscode.Uri.joinPath(this.ctx.extensionUri, 'media', file);
    return webviewPage(this.panel.webview, {
      title: 'Run',
      styles: [media('runForm.css')],
      scripts: [media('vendor/vscode-elements.js'), media('dom.js'), media('runForm.js')],
      body: '<main id="app"><p>Loading the form...</p></main>',
    });
  }
}

/** A folder picker over any Host: a quick pick that walks folders, on this machine or a cluster. */
async function pickFolder(host: Host, start: string): Promise<string | undefined> {
  let current = start.replace(/\/+$/, '') || '/';
  for (;;) {
    let entries: { name: string }[] = [];
    try {
      entries = (await host.list(current)).filter((e) => e.isDirectory && !e.name.startsWith('.'));
    } catch (err) {
      void vscode.window.showWarningMessage((err as Error).message);
      current = path.posix.dirname(current);
      continue;
    }
    const use = { label: '$(check) Use this folder', description: current, folder: current };
    const up = { label: '$(arrow-up) ..', description: path.posix.dirname(current), folder: path.posix.dirname(current) };
    const items = [use, ...(current === '/' ? [] : [up]), ...entries.map((e) => ({ label: `$(folder) ${e.name}`, description: '', folder: path.posix.join(current, e.name) }))];
    const picked = await vscode.window.showQuickPick(items, { title: `Folder on ${host.name === 'local' ? 'this machine' : host.name}`, placeHolder: current, ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked === use) return current;
    current = picked.folder;
  }
}
