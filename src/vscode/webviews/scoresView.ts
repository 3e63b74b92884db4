import * as vscode from 'vscode';
import { webviewPage } from './webviewPage';

/** The Scores webview view; until a run is selected it explains how to pick one. */
export class ScoresViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'reprolab.scores';

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: false, localResourceRoots: [] };
    view.webview.html = this.emptyStateHtml(view.webview);
  }

  private emptyStateHtml(webview: vscode.Webview): string {
    return webviewPage(webview, {
      title: 'Scores',
      inlineStyle: `body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px; }
  p { line-height: 1.4; }
  .hint { color: var(--vscode-descriptionForeground); }`,
      body: `<p>No scores to show yet.</p>
<p class="hint">Select a finished job in the Jobs view, or a run's output folder that holds <code>cv_results.csv</code>, and its top cross-validation scores appear here.</p>`,
    });
  }
}
