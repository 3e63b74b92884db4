import * as path from 'path';
import * as vscode from 'vscode';
import { PublishOptions, publishReadmeSection, publishWorkflow, WORKFLOW_PATH } from '../core/publish/publishWorkflow';

/** What Scaffold Image Publishing asks; given all at once, it asks nothing (but before overwriting a workflow). */
export interface ScaffoldOptions extends Partial<PublishOptions> {
  /** Overwrite an existing workflow file without asking. */
  replace?: boolean;
}

/** Scaffold Image Publishing: the GitHub Actions workflow and the README section that tells users how to pull. */
export function publishCommands(): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.scaffoldPublishing': (options?: ScaffoldOptions) => scaffold(options ?? {}),
  };
}

async function scaffold(given: ScaffoldOptions): Promise<{ workflow: vscode.Uri; readme: vscode.Uri } | undefined> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) throw new Error('Open the repository of your image as a folder first: the workflow goes into its .github/workflows.');
  const relative = (uri: vscode.Uri) => path.posix.relative(root.path, uri.path);

  const dockerfile = given.dockerfile ?? (await pickFile('**/{Dockerfile,Dockerfile.*,*.Dockerfile}', 'Build which Dockerfile?', 'No Dockerfile in this workspace: write one (the workflow builds it), then scaffold again.', relative));
  if (!dockerfile) return undefined;
  const context = given.context ?? (path.posix.dirname(dockerfile) === '.' ? '.' : path.posix.dirname(dockerfile));
  const branch = given.branch ?? (await vscode.window.showInputBox({ title: 'Scaffold Image Publishing', prompt: 'Publish on pushes to which branch?', value: 'main', ignoreFocusOut: true, validateInput: (v) => (/^[A-Za-z0-9._][A-Za-z0-9._/-]*$/.test(v) ? undefined : 'A branch name') }));
  if (!branch) return undefined;
  let sif = given.sif;
  if (!('sif' in given)) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Docker image only', description: 'clusters pull it with apptainer pull docker://…', sif: undefined },
        { label: 'Also a SIF from the Docker image', description: 'pushed with oras://, no conversion on the cluster', sif: {} },
        { label: 'Also a SIF from a definition file…', description: 'built by Apptainer in the workflow', sif: { definition: '' } },
      ],
      { placeHolder: 'What should the workflow publish?' },
    );
    if (!choice) return undefined;
    sif = choice.sif;
    if (sif && sif.definition === '') {
      const definition = await pickFile('**/*.def', 'Build the SIF from which definition file?', 'No .def file in this workspace: write one, or publish the SIF from the Docker image.', relative);
      if (!definition) return undefined;
      sif = { definition };
    }
  }
  const options: PublishOptions = { branch, dockerfile, context, ...(sif ? { sif } : {}), repository: given.repository ?? (await githubRepository(root)) };

  const workflow = vscode.Uri.joinPath(root, WORKFLOW_PATH);
  const text = publishWorkflow(options);
  if (!given.replace && (await exists(workflow))) {
    const choice = await vscode.window.showWarningMessage(`${WORKFLOW_PATH} already exists.`, { modal: true }, 'Replace');
    if (choice !== 'Replace') return undefined;
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workflow, '..'));
  await vscode.workspace.fs.writeFile(workflow, Buffer.from(text));

  // The README gets the section once; a second scaffold leaves the user's edits to it alone.
  const readme = vscode.Uri.joinPath(root, 'README.md');
  const current = (await exists(readme)) ? Buffer.from(await vscode.workspace.fs.readFile(readme)).toString('utf8') : '';
  if (!/^## Pulling the image$/m.test(current)) {
    const separator = current === '' ? '' : current.endsWith('\n\n') ? '' : current.endsWith('\n') ? '\n' : '\n\n';
    await vscode.workspace.fs.writeFile(readme, Buffer.from(current + separator + publishReadmeSection(options)));
  }
  await vscode.window.showTextDocument(workflow, { preview: false });
  void vscode.window.showInformationMessage(`Wrote ${WORKFLOW_PATH} and a "Pulling the image" section in README.md: push to ${branch} or a v1.2.3 tag to publish.`);
  return { workflow, readme };
}

async function pickFile(glob: string, placeHolder: string, none: string, relative: (uri: vscode.Uri) => string): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles(glob, '**/{node_modules,.git}/**', 100);
  if (found.length === 0) throw new Error(none);
  if (found.length === 1) return relative(found[0]);
  return (await vscode.window.showQuickPick(found.map((uri) => ({ label: relative(uri) })), { placeHolder }))?.label;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

/** `owner/name` from the origin remote in .git/config, when it is on GitHub. */
async function githubRepository(root: vscode.Uri): Promise<string | undefined> {
  const config = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, '.git', 'config')).then((b) => Buffer.from(b).toString('utf8'), () => '');
  return /\[remote "origin"\][^[]*?url\s*=\s*\S*github\.com[:/]([\w.-]+\/[\w.-]+?)(?:\.git)?\s*$/m.exec(config)?.[1];
}
