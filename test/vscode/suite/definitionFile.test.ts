import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { fixture } from '../../paths';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ReproLab');

/** Polls until `done` holds for what `get` returns, for up to ten seconds. */
async function waitFor<T>(get: () => T, done: (value: T) => boolean): Promise<T> {
  let value = get();
  for (let i = 0; i < 100 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = get();
  }
  return value;
}

describe('Apptainer definition files in the editor', () => {
  before(async () => {
    await vscode.extensions.getExtension('reprolab.reprolab')!.activate();
  });

  it('marks the CRLF line endings of a real definition file and converts them to LF with the quick fix', async () => {
    // A real recipe saved by a Windows editor (test/fixtures/def-files/SOURCES.md), copied into the workspace.
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'Singularity.crlf.def');
    fs.copyFileSync(fixture('def-files', 'catalog_CBFLivUni_crlf.def'), file);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'apptainer');
    assert.strictEqual(doc.eol, vscode.EndOfLine.CRLF);

    const diagnostics = await waitFor(() => ours(doc.uri), (d) => d.length > 0);
    assert.deepStrictEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['crlf', vscode.DiagnosticSeverity.Warning, 0]]);
    assert.match(diagnostics[0].message, /CRLF.*: convert it to LF\.$/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostics[0].range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Convert line endings to LF');
    assert.ok(fix, `the quick fix is offered among: ${actions.map((a) => a.title).join(', ')}`);
    assert.strictEqual(fix.isPreferred, true);
    // Apply it as VS Code does: the edit first, then the command.
    if (fix.edit) assert.ok(await vscode.workspace.applyEdit(fix.edit));
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));

    assert.strictEqual(doc.eol, vscode.EndOfLine.LF);
    assert.ok(!doc.getText().includes('\r'));
    assert.deepStrictEqual(await waitFor(() => ours(doc.uri), (d) => d.length === 0), []);
    assert.ok(await doc.save());
    assert.ok(!fs.readFileSync(file, 'utf8').includes('\r'), 'the file on disk has LF endings');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
