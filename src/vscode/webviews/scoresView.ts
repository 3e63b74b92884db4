import * as vscode from 'vscode';
import { Host } from '../../core/host/host';
import { readRunResults, RunResults } from '../../core/results/runResults';
import { ImageDocuments } from '../imageDocuments';
import { webviewPage } from './webviewPage';

/** A run whose scores are shown: its folder on a host. */
export interface ScoresTarget {
  host: Host;
  folder: string;
  /** What the view calls it: the run's name, or the folder's. */
  label: string;
  /** `this machine` or the cluster's name. */
  where: string;
}

/** What the view shows now, for tests and for the comparison. */
export interface ShownScores {
  target: ScoresTarget;
  results?: RunResults;
  error?: string;
}

/** The Scores webview view: the top candidates of the selected run, one metric at a time. */
export class ScoresViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'reprolab.scores';
  private view?: vscode.WebviewView;
  private current?: ShownScores;
  private readonly shown = new vscode.EventEmitter<ShownScores>();
  /** Fires when the view has new scores (or an error) to show. */
  readonly onDidShow = this.shown.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly documents: ImageDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get showing(): ShownScores | undefined {
    return this.current;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = (file: string) => vscode.Uri.joinPath(this.extensionUri, 'media', file);
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = webviewPage(view.webview, {
      title: 'Scores',
      styles: [media('scores.css')],
      scripts: [media('vendor/vscode-elements.js'), media('dom.js'), media('scores.js')],
      body: `<main id="app"><p>No scores to show yet.</p>
<p class="hint">Select a finished job in the Jobs view, or a run's output folder that holds <code>cv_results.csv</code>, and its top cross-validation scores appear here.</p></main>`,
    });
    view.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message));
    view.onDidDispose(() => (this.view = undefined));
  }

  /** Reads the run's cv_results.csv (streamed, over the host) and shows its top 5 per metric. */
  async show(target: ScoresTarget): Promise<ShownScores> {
    await vscode.commands.executeCommand(`${ScoresViewProvider.viewId}.focus`);
    let shown: ShownScores;
    try {
      shown = { target, results: await readRunResults(target.host, target.folder, { top: 5 }) };
    } catch (err) {
      this.log.warn(`Scores of ${target.folder} on ${target.where}: ${(err as Error).message}`);
      shown = { target, error: (err as Error).message };
    }
    this.current = shown;
    if (shown.results) void vscode.commands.executeCommand('setContext', 'reprolab.scoresShown', true);
    this.post();
    this.shown.fire(shown);
    return shown;
  }

  private post(): void {
    const shown = this.current;
    if (!shown || !this.view) return;
    if (shown.error) {
      void this.view.webview.postMessage({ type: 'show', error: shown.error, where: `${shown.target.folder} on ${shown.target.where}` });
      return;
    }
    const r = shown.results!;
    const seed = r.args?.random_state ?? r.args?.seed ?? r.run?.seed ?? null;
    void this.view.webview.postMessage({
      type: 'show', label: `${shown.target.label} on ${shown.target.where}`, seed, rows: r.scores.rows, metrics: r.scores.metrics, args: r.args ?? null, warnings: r.warnings,
    });
  }

  private async onMessage(message: unknown): Promise<void> {
    // Every message from the webview is checked before it is used.
    if (!message || typeof message !== 'object') return;
    const m = message as Record<string, unknown>;
    if (m.type === 'ready') return this.post();
    if (m.type === 'open' && m.what === 'csv' && this.current?.results) {
      const { target, results } = this.current;
      if (target.host.name === 'local') {
        await vscode.window.showTextDocument(vscode.Uri.file(results.file), { preview: true });
        return;
      }
      const text = (await target.host.readFile(results.file)).toString('utf8');
      await vscode.window.showTextDocument(this.documents.register(target.where, target.folder, 'cv_results.csv', text, 'csv'), { preview: true });
    }
  }
}
