import * as vscode from 'vscode';
import { checkDirectives, directiveOptionAt } from '../core/slurm/directiveDiagnostics';
import { hasDirectives, parseBatchScript } from '../core/slurm/directives';
import { SBATCH_OPTIONS, SbatchOption } from '../core/slurm/sbatchOptions';
import { registerTextDiagnostics } from './textDiagnostics';

const SELECTOR: vscode.DocumentFilter = { language: 'shellscript' };

const optionLabel = (o: SbatchOption) => `--${o.name}${o.short ? `, -${o.short}` : ''}`;

/** #SBATCH directives in shell scripts: problems as the user types, completion of option names, hover. */
export function registerSbatchDirectives(): vscode.Disposable {
  return vscode.Disposable.from(
    registerTextDiagnostics({ name: 'reprolab-sbatch', selector: SELECTOR, applies: (doc) => hasDirectives(doc.getText()), check: checkDirectives }),
    vscode.languages.registerCompletionItemProvider(SELECTOR, { provideCompletionItems: completeOption }, ' ', '-'),
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(doc, position) {
        const option = directiveOptionAt(doc.getText(), position.line, position.character);
        if (!option) return undefined;
        const value = option.argument === 'value' ? `=<${option.placeholder ?? 'value'}>` : option.argument === 'optional' ? `[=<${option.placeholder ?? 'value'}>]` : '';
        return new vscode.Hover(new vscode.MarkdownString().appendCodeblock(`#SBATCH --${option.name}${value}${option.short ? `  (-${option.short})` : ''}`, 'shellscript').appendText(option.description));
      },
    }),
  );
}

function completeOption(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
  const before = doc.lineAt(position.line).text.slice(0, position.character);
  // Only where sbatch reads options: after `#SBATCH `, outside a comment, above the first command.
  const typed = /^#SBATCH\s+(?:[^#]*\s)?(-{0,2}[\w-]*)$/.exec(before);
  if (!typed) return undefined;
  const firstCommand = parseBatchScript(doc.getText()).firstCommand;
  if (firstCommand !== undefined && firstCommand < position.line) return undefined;
  const range = new vscode.Range(position.line, position.character - typed[1].length, position.line, position.character);
  return SBATCH_OPTIONS.map((option, index) => {
    const item = new vscode.CompletionItem({ label: `--${option.name}`, description: option.short ? `-${option.short}` : undefined }, vscode.CompletionItemKind.Property);
    item.detail = optionLabel(option);
    item.documentation = option.description;
    item.range = range;
    item.filterText = `--${option.name}`;
    item.sortText = String(index).padStart(4, '0');
    item.insertText = option.argument === 'value' ? new vscode.SnippetString(`--${option.name}=\${1:${option.placeholder ?? 'value'}}`) : `--${option.name}`;
    return item;
  });
}
