import * as vscode from 'vscode';
import { exploreImage } from '../core/apptainer/explore';
import { checkRequirements, ImageVersions, pinEdits, versionsFromFreeze } from '../core/requirements/requirementsDiagnostics';
import { CommandContext } from './commands';
import { pickImage } from './imagePick';
import { registerTextDiagnostics } from './textDiagnostics';

const SELECTOR: vscode.DocumentFilter = { scheme: 'file', pattern: '**/requirements*.txt' };
const PIN = 'reprolab.pinRequirements';

/** The image whose versions the quick fixes pin to, once the user has chosen one. */
const chosen: { image?: string; versions?: ImageVersions } = {};
const chosenChanged = new vscode.EventEmitter<void>();

/** Check Requirements: loose lines of requirements*.txt marked as the user types, with pins as quick fixes. */
export function registerRequirementsCheck(): vscode.Disposable {
  return vscode.Disposable.from(
    chosenChanged,
    registerTextDiagnostics({
      name: 'reprolab-requirements',
      selector: SELECTOR,
      applies: () => true,
      check: (text) => checkRequirements(text, chosen),
      onDidChange: chosenChanged.event,
      moreActions: (doc, found) => {
        const unpinned = found.filter((f) => !f.problem.fix?.pin && f.problem.code !== 'editable');
        if (unpinned.length === 0) return [];
        const action = new vscode.CodeAction(chosen.image ? 'Pin to the versions in another image...' : 'Pin to the versions in an image...', vscode.CodeActionKind.QuickFix);
        action.diagnostics = unpinned.map((f) => f.diagnostic);
        action.command = { title: action.title, command: PIN, arguments: [doc.uri] };
        return [action];
      },
    }),
  );
}

/** Check Requirements and Pin Requirements to an Image. */
export function requirementsCommands(ctx: CommandContext): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.checkRequirements': async (uri?: unknown) => {
      const doc = await vscode.workspace.openTextDocument(await requirementsFile(uri));
      await vscode.window.showTextDocument(doc);
      const problems = checkRequirements(doc.getText(), chosen);
      const name = vscode.workspace.asRelativePath(doc.uri);
      if (problems.length === 0) return void vscode.window.showInformationMessage(`Every line of ${name} pins what it installs.`);
      const lines = new Set(problems.map((p) => p.line)).size;
      const choice = await vscode.window.showWarningMessage(`${lines} line${lines === 1 ? '' : 's'} of ${name} can install something else at the next build (marked in the editor).`, 'Pin to an Image...', 'Show Problems');
      if (choice === 'Pin to an Image...') await vscode.commands.executeCommand(PIN, doc.uri);
      if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
    },
    [PIN]: async (uri?: unknown) => pinToImage(ctx, await requirementsFile(uri)),
  };
}

async function requirementsFile(arg: unknown): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && vscode.languages.match(SELECTOR, vscode.window.activeTextEditor!.document)) return active;
  const found = await vscode.workspace.findFiles('**/requirements*.txt', '**/{node_modules,.venv,venv,.git}/**', 50);
  if (found.length === 0) throw new Error('No requirements*.txt in this workspace: open one, or add the file your image installs from.');
  if (found.length === 1) return found[0];
  const pick = await vscode.window.showQuickPick(found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })), { placeHolder: 'Which requirements file?' });
  if (!pick) throw new vscode.CancellationError();
  return pick.uri;
}

async function pinToImage(ctx: CommandContext, uri: vscode.Uri): Promise<void> {
  const picked = await pickImage(ctx, 'Pin to the versions installed in which image?');
  if (!picked) return;
  const { location, image } = picked;
  const where = location.cluster ?? 'this machine';
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the packages in ${image.name} on ${where}`, cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return exploreImage(location.host(), image.path, { signal: abort.signal, where });
  });
  if (report.packages.size === 0) throw new Error(`pip freeze printed no packages inside ${image.name}: is pip installed in the image?`);
  chosen.image = image.name;
  chosen.versions = versionsFromFreeze(report.packages);
  chosenChanged.fire();
  const doc = await vscode.workspace.openTextDocument(uri);
  const edits = pinEdits(doc.getText(), chosen.versions, chosen.image);
  if (edits.length > 0) {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(uri, new vscode.Range(e.line, e.column, e.endLine, e.endColumn), e.newText);
    await vscode.workspace.applyEdit(edit);
  }
  const left = new Set(checkRequirements(doc.getText(), chosen).map((p) => p.line)).size;
  ctx.log.info(`Pinned ${edits.length} lines of ${uri.fsPath} to ${image.path} on ${where}`);
  void vscode.window.showInformationMessage(`Pinned ${edits.length} line${edits.length === 1 ? '' : 's'} to the versions in ${image.name}${left ? `; ${left} left that the image cannot pin (not installed in it, or editable)` : ''}.`);
}
