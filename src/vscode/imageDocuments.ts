import * as vscode from 'vscode';

export const IMAGE_SCHEME = 'reprolab-image';

/** Read-only documents for what is inside an image (definition file, runscript, reports). */
export class ImageDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, { text: string; language: string }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Makes a document available and returns its URI, such as reprolab-image:/This machine/…/lab.sif/definition.def. */
  register(location: string, imagePath: string, part: string, text: string, language: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: IMAGE_SCHEME, path: `/${location}${imagePath.startsWith('/') ? '' : '/'}${imagePath}/${part}` });
    const key = uri.toString();
    const previous = this.contents.get(key);
    this.contents.set(key, { text, language });
    if (previous && previous.text !== text) this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString())?.text ?? 'This document is no longer available: expand the image in the Images view again.';
  }

  /** Serves the documents and gives each its language (shell for a runscript) when it opens. */
  activate(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(IMAGE_SCHEME, this),
      vscode.workspace.onDidOpenTextDocument(async (doc) => {
        const language = doc.uri.scheme === IMAGE_SCHEME ? this.contents.get(doc.uri.toString())?.language : undefined;
        if (language && language !== doc.languageId && (await vscode.languages.getLanguages()).includes(language)) {
          await vscode.languages.setTextDocumentLanguage(doc, language);
        }
      }),
    );
  }
}
