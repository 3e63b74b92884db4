import * as crypto from 'crypto';
import * as vscode from 'vscode';

/** The Scores webview view; until a run is selected it explains how to pick one. */
export class ScoresViewProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'reprolab.scores';

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: false, localResourceRoots: [] };
    view.webview.html = this.emptyStateHtml(view.webview);
  }

  private emptyStateHtml(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource} 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px; }
  p { line-height: 1.4; }
  .hint { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<p>No scores to show yet.</p>
<p class="hint">Select a finished job in the Jobs view, or a run's output folder that holds <code>cv_results.csv</code>, and its top cross-validation scores appear here.</p>
</body>
</html>`;
  }
}
