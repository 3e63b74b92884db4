import * as vscode from 'vscode';
import { TextFix, TextProblem } from '../core/textProblem';

export interface TextChecker<P extends TextProblem> {
  /** Name of the diagnostic collection. */
  name: string;
  selector: vscode.DocumentFilter;
  /** Whether a document the selector matches is one this checker reads. */
  applies(doc: vscode.TextDocument): boolean;
  check(text: string): P[];
  /** The text to check, when it is more than the editor's text (a BOM the editor hides). */
  textOf?(doc: vscode.TextDocument): string;
  /** Fixes that need more than a text edit, such as asking which image to read versions from. */
  moreActions?(doc: vscode.TextDocument, found: { problem: P; diagnostic: vscode.Diagnostic }[]): vscode.CodeAction[];
  /** Fires when what the checker knows changed, so every open document is checked again. */
  onDidChange?: vscode.Event<void>;
}

const DEBOUNCE_MS = 300;
// Internal commands behind the fixes that are not text edits (not contributed: they need a document).
const USE_LF = 'reprolab.text.useLfLineEndings';
const DROP_BOM = 'reprolab.text.saveWithoutBom';
/** Documents whose line endings or encoding a fix changed: every checker looks at them again. */
const fixed = new vscode.EventEmitter<vscode.TextDocument>();

export const rangeOf = (p: TextProblem) => new vscode.Range(p.line, p.column, p.endLine, p.endColumn);

/** The commands behind the line-ending and BOM fixes, shared by every checker. */
export function registerTextFixCommands(): vscode.Disposable {
  return vscode.Disposable.from(
    fixed,
    vscode.commands.registerCommand(USE_LF, async (uri: vscode.Uri) => fixed.fire(await useLfLineEndings(uri))),
    vscode.commands.registerCommand(DROP_BOM, async (uri: vscode.Uri) => fixed.fire(await saveWithoutBom(uri))),
  );
}

/** Marks a checker's problems as the user types, with its fixes as quick fixes. */
export function registerTextDiagnostics<P extends TextProblem>(checker: TextChecker<P>): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(checker.name);
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const ours = (doc: vscode.TextDocument) => vscode.languages.match(checker.selector, doc) > 0 && checker.applies(doc);
  const problems = (doc: vscode.TextDocument) => checker.check(checker.textOf?.(doc) ?? doc.getText());

  const check = (doc: vscode.TextDocument) => {
    if (!vscode.languages.match(checker.selector, doc)) return;
    if (!checker.applies(doc)) return collection.delete(doc.uri);
    collection.set(doc.uri, problems(doc).map((p) => toDiagnostic(p)));
  };
  const checkSoon = (doc: vscode.TextDocument) => {
    if (!vscode.languages.match(checker.selector, doc)) return;
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      check(doc);
    }, DEBOUNCE_MS));
  };

  const quickFixes: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, context) {
      const mine = context.diagnostics.filter((d) => d.source === 'ReproLab');
      if (mine.length === 0 || !ours(doc)) return [];
      const found: { problem: P; diagnostic: vscode.Diagnostic }[] = [];
      for (const problem of problems(doc)) {
        const diagnostic = mine.find((d) => d.code === problem.code && d.range.isEqual(rangeOf(problem)));
        if (diagnostic) found.push({ problem, diagnostic });
      }
      const actions = found.filter((f) => f.problem.fix).map((f) => codeAction(doc, f.problem.fix!, f.diagnostic));
      return [...actions, ...(checker.moreActions?.(doc, found) ?? [])];
    },
  };

  vscode.workspace.textDocuments.forEach(check);
  return vscode.Disposable.from(
    collection,
    ...(checker.onDidChange ? [checker.onDidChange(() => vscode.workspace.textDocuments.forEach(check))] : []),
    fixed.event(check),
    vscode.languages.registerCodeActionsProvider(checker.selector, quickFixes, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
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

function toDiagnostic(p: TextProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeOf(p), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'ReproLab';
  diagnostic.code = p.code;
  return diagnostic;
}

/** Core's fixes are certain, so each is the preferred action for its problem. */
function codeAction(doc: vscode.TextDocument, fix: TextFix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
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
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) await doc.save();
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) await vscode.workspace.fs.writeFile(uri, bytes.subarray(3));
  // Reading the file again as plain UTF-8 makes the editor save it that way from now on.
  return vscode.workspace.openTextDocument(uri, { encoding: 'utf8' });
}
