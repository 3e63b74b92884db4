import * as crypto from 'crypto';
import * as vscode from 'vscode';

export interface PageParts {
  title: string;
  body: string;
  /** Style sheets and module scripts from the extension's media folder. */
  styles?: vscode.Uri[];
  scripts?: vscode.Uri[];
  /** A small style block of the page's own. */
  inlineStyle?: string;
}

/** A webview page under a strict Content Security Policy: only the extension's files, scripts with a fresh nonce. */
export function webviewPage(webview: vscode.Webview, parts: PageParts): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  const styles = (parts.styles ?? []).map((uri) => `<link rel="stylesheet" href="${webview.asWebviewUri(uri)}" nonce="${nonce}">`).join('\n');
  const scripts = (parts.scripts ?? []).map((uri) => `<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(uri)}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
${parts.inlineStyle ? `<style nonce="${nonce}">${parts.inlineStyle}</style>` : ''}
<title>${parts.title}</title>
</head>
<body>
${parts.body}
${scripts}
</body>
</html>`;
}
