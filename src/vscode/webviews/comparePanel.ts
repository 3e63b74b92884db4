import * as vscode from 'vscode';
import { cellDifference, compareRuns, Comparison, comparisonMarkdown, fingerprintCvResults, RunToCompare } from '../../core/results/compare';
import { hostFileChunks, readRunResults } from '../../core/results/runResults';
import { ScoresTarget } from './scoresView';
import { webviewPage } from './webviewPage';

/** A run in the comparison, with the host its files are read from. */
interface LoadedRun extends RunToCompare {
  target: ScoresTarget;
}

/** The comparison of several runs in an editor panel, with a per-split chart and a Markdown export. */
export class ComparePanel {
  private static current?: ComparePanel;
  private comparison?: Comparison;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly runs: LoadedRun[],
  ) {
    panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message));
    panel.onDidDispose(() => {
      if (ComparePanel.current === this) ComparePanel.current = undefined;
    });
  }

  /** What the panel shows now, for tests. */
  get shown(): Comparison | undefined {
    return this.comparison;
  }

  /** Reads each run's results (streamed over its host), compares them and opens the panel. */
  static async open(extensionUri: vscode.Uri, targets: ScoresTarget[]): Promise<ComparePanel> {
    if (targets.length < 2) throw new Error('Select at least two finished runs in the Jobs view (Ctrl or Shift click), then Compare Runs.');
    const runs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing ${targets.length} runs` }, () =>
      Promise.all(targets.map(async (target): Promise<LoadedRun> => {
        const results = await readRunResults(target.host, target.folder, { top: 5 });
        const fingerprint = await fingerprintCvResults(hostFileChunks(target.host, results.file), results.file);
        return { label: uniqueLabel(target, targets), target, results, fingerprint };
      })),
    );
    ComparePanel.current?.panel.dispose();
    const panel = vscode.window.createWebviewPanel('reprolab.compare', `Compare ${runs.length} runs`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const media = (file: string) => vscode.Uri.joinPath(extensionUri, 'media', file);
    panel.webview.html = webviewPage(panel.webview, {
      title: 'Compare runs',
      styles: [media('compare.css')],
      scripts: [media('vendor/vscode-elements.js'), media('vendor/chart.js'), media('dom.js'), media('compare.js')],
      body: '<main id="app"><p>Comparing...</p></main>',
    });
    const compare = new ComparePanel(panel, runs);
    ComparePanel.current = compare;
    await compare.update(undefined);
    return compare;
  }

  private async update(metric: string | undefined): Promise<void> {
    this.comparison = await compareRuns(this.runs, metric, (a, b, row) => {
      const [ra, rb] = [a as LoadedRun, b as LoadedRun];
      return cellDifference(hostFileChunks(ra.target.host, ra.results.file), hostFileChunks(rb.target.host, rb.results.file), row, ra.results.file);
    });
    void this.panel.webview.postMessage({ type: 'comparison', comparison: this.comparison });
  }

  /** Writes the comparison as Markdown to a file the user picks; returns where. */
  async exportMarkdown(to?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (!this.comparison) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = to ?? (await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, 'comparison.md') : undefined, filters: { Markdown: ['md'] }, saveLabel: 'Export' }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(comparisonMarkdown(this.comparison)));
    return uri;
  }

  private async onMessage(message: unknown): Promise<void> {
    // Every message from the webview is checked before it is used.
    if (!message || typeof message !== 'object') return;
    const m = message as Record<string, unknown>;
    try {
      if (m.type === 'ready' && this.comparison) void this.panel.webview.postMessage({ type: 'comparison', comparison: this.comparison });
      if (m.type === 'metric' && typeof m.metric === 'string' && this.comparison?.metrics.includes(m.metric)) await this.update(m.metric);
      if (m.type === 'export') {
        const uri = await this.exportMarkdown();
        if (uri) await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      }
    } catch (err) {
      void this.panel.webview.postMessage({ type: 'error', message: (err as Error).message });
    }
  }
}

/** The run's label, with where it ran when two runs share a label. */
function uniqueLabel(target: ScoresTarget, all: ScoresTarget[]): string {
  const same = all.filter((t) => t.label === target.label);
  if (same.length === 1) return target.label;
  return `${target.label} (${target.folder.split('/').pop()})`;
}
