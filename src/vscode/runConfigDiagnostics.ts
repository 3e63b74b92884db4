import * as vscode from 'vscode';
import { parseRunConfig } from '../core/runs/runConfig';

const RUN_CONFIG = /\/\.reprolab\/runs\/[^/]+\.ya?ml$/;

/** Problems in `.reprolab/runs/*.yaml` files, shown on their lines as the user types. */
export function registerRunConfigDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('reprolab');
  const check = (doc: vscode.TextDocument) => {
    if (!RUN_CONFIG.test(doc.uri.path)) return;
    const { diagnostics } = parseRunConfig(doc.getText());
    collection.set(doc.uri, diagnostics.map((d) => {
      const line = doc.lineAt(Math.min(d.line, doc.lineCount - 1));
      const range = new vscode.Range(d.line, d.column, d.line, Math.max(d.column + 1, line.range.end.character));
      const diagnostic = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'ReproLab';
      return diagnostic;
    }));
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
  );
}
