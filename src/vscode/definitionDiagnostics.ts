import * as vscode from 'vscode';
import { checkDefinition } from '../core/sif/definitionDiagnostics';
import { registerTextDiagnostics } from './textDiagnostics';

/** The text core checks: VS Code hides a UTF-8 BOM from the text and reports it as the encoding. */
function textOf(doc: vscode.TextDocument): string {
  const text = doc.getText();
  return doc.encoding === 'utf8bom' && !text.startsWith('\ufeff') ? `\ufeff${text}` : text;
}

/** Problems in Apptainer definition files, marked as the user types, with quick fixes where certain. */
export function registerDefinitionDiagnostics(): vscode.Disposable {
  return registerTextDiagnostics({ name: 'reprolab-definition', selector: { language: 'apptainer' }, applies: () => true, check: checkDefinition, textOf });
}
