import * as vscode from 'vscode';
import { checkDefinition, DefinitionDiagnostic, DefinitionFix } from '../core/sif/definitionDiagnostics';

const LANGUAGE = 'apptainer';
const DEBOUNCE_MS = 300;
// Internal commands behind the fixes that are not text edits (not contributed: they need a document).
const USE_LF = 'reprolab.definition.useLfLineEndings';
const DROP_BOM = 'reprolab.definition.saveWithoutBom';

/** The text core checks: VS Code hides a UTF-8 BOM from the text and reports it as the encoding. */
function textOf(doc: vscode.TextDocument): string {
  const text = doc.getText();
  return doc.encoding === 'utf8bom' && !text.startsWith('\ufeff') ? `\ufeff${text}` : text;
}

const rangeOf = (d: DefinitionDiagnostic) => new vscode.Range(d.line, d.column, d.endLine, d.endColumn);

/** Problems in Apptainer definition files, marked as the user types, with quick fixes where certain. */
export function registerDefinitionDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('reprolab-definition');
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const check = (doc: vscode.TextDocument) => {
    if (doc.languageId !== LANGUAGE) return;
    collection.set(doc.uri, checkDefinition(textOf(doc)).map((d) => {
      const diagnostic = new vscode.Diagnostic(rangeOf(d), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'ReproLab';
      diagnostic.code = d.code;
      return diagnostic;
    }));
  };
  const checkSoon = (doc: vscode.TextDocument) => {
    if (doc.languageId !== LANGUAGE) return;
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      check(doc);
    }, DEBOUNCE_MS));
  };

  const quickFixes: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, context) {
      const ours = context.diagnostics.filter((d) => d.source === 'ReproLab');
      if (ours.length === 0) return [];
      const actions: vscode.CodeAction[] = [];
      for (const problem of checkDefinition(textOf(doc))) {
        const diagnostic = ours.find((d) => d.code === problem.code && d.range.isEqual(rangeOf(problem)));
        if (diagnostic && problem.fix) actions.push(codeAction(doc, problem.fix, diagnostic));
      }
      return actions;
    },
  };

  vscode.workspace.textDocuments.forEach(check);
  return vscode.Disposable.from(
    collection,
    vscode.languages.registerCodeActionsProvider({ language: LANGUAGE }, quickFixes, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.commands.registerCommand(USE_LF, async (uri: vscode.Uri) => check(await useLfLineEndings(uri))),
    vscode.commands.registerCommand(DROP_BOM, async (uri: vscode.Uri) => check(await saveWithoutBom(uri))),
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => checkSoon(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      clearTimeout(pending.get(doc.uri.toString()));
      pending.delete(doc.uri.toString());
      collection.delete(doc.uri);
    }),
    { dispose: () => pending.forEach((timer) => clearTimeout(timer)) },
  );
}

function codeAction(doc: vscode.TextDocument, fix: DefinitionFix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = true;
  if (fix.edits.length > 0) {
    action.edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(e.line, e.column, e.endLine, e.endColumn), e.newText);
  }
  // Line endings and the BOM are not text in VS Code's model, so these fixes run as commands.
  if (fix.lineEndings === 'lf') action.command = { title: fix.title, command: USE_LF, arguments: [doc.uri] };
  if (fix.removeBom) action.command = { title: fix.title, command: DROP_BOM, arguments: [doc.uri] };
  return action;
}

async function useLfLineEndings(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, [vscode.TextEdit.setEndOfLine(vscode.EndOfLine.LF)]);
  await vscode.workspace.applyEdit(edit);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.eol !== vscode.EndOfLine.LF) {
    // Some hosts drop a workspace edit's line-ending change; an editor edit always carries it.
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((builder) => builder.setEndOfLine(vscode.EndOfLine.LF));
  }
  return doc;
}

async function saveWithoutBom(uri: vscode.Uri): Promise<vscode.TextDocument> {
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) await doc.save();
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) await vscode.workspace.fs.writeFile(uri, bytes.subarray(3));
  // Reading the file again as plain UTF-8 makes the editor save it that way from now on.
  doc = await vscode.workspace.openTextDocument(uri, { encoding: 'utf8' });
  return doc;
}
