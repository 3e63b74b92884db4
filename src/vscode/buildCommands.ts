import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BuildMode, buildCommand, checkHostFiles, defaultImageName, hostFilesOf, matchesGlob, renderBuildJob } from '../core/apptainer/build';
import { lastErrorLine } from '../core/apptainer/commands';
import { probeApptainer } from '../core/apptainer/probe';
import { Host } from '../core/host/host';
import { submitBatch } from '../core/slurm/submit';
import { runWithProgress } from './apptainerProgress';
import { CommandContext } from './commands';
import { ImageLocation } from './views/imagesTree';

/** What Build Image asks; given all at once (by a test or another command), it asks nothing. */
export interface BuildImageOptions {
  definition?: vscode.Uri;
  /** `This machine`, or a cluster's name. */
  location?: string;
  folder?: string;
  /** File name of the image, ending in .sif. */
  name?: string;
  /** On a cluster: build in a Slurm job rather than on the login node. */
  asJob?: boolean;
  /** Overwrite an image of that name without asking. */
  replace?: boolean;
}

export interface BuiltImage {
  target: string;
  location: string;
  /** The Slurm job that builds it, when built as a job; it may still be running. */
  jobId?: string;
  runId?: string;
}

/** Build Image: `apptainer build` of a definition file on this machine or a cluster, with progress and cancel. */
export function buildCommands(ctx: CommandContext): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.buildImage': (arg?: unknown) => buildImage(ctx, arg instanceof vscode.Uri ? { definition: arg } : ((arg as BuildImageOptions | undefined) ?? {})),
  };
}

async function buildImage(ctx: CommandContext, options: BuildImageOptions): Promise<BuiltImage | undefined> {
  const definition = options.definition ?? (await definitionFile());
  if (!definition) return undefined;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === definition.toString());
  if (open?.isDirty) await open.save();
  const text = Buffer.from(await vscode.workspace.fs.readFile(definition)).toString('utf8');
  const hostFiles = hostFilesOf(text);

  const location = await chooseLocation(ctx, options.location);
  if (!location) return undefined;
  const folder = options.folder ?? (location.folders.length === 1 ? location.folders[0] : await vscode.window.showQuickPick(location.folders, { placeHolder: 'Into which image folder?' }));
  if (!folder) return undefined;
  const name = options.name ?? (await vscode.window.showInputBox({
    title: 'Build Image',
    prompt: `File name in ${folder}`,
    value: defaultImageName(definition.fsPath),
    ignoreFocusOut: true,
    validateInput: (value) => (/^[^/\0]+\.sif$/.test(value) ? undefined : 'A file name ending in .sif'),
  }));
  if (!name) return undefined;
  const asJob = location.cluster ? options.asJob ?? (await askAsJob(location.cluster)) : false;
  if (asJob === undefined) return undefined;

  // A build on a cluster gets a copy of the host files, so they must sit beside the definition file.
  if (location.cluster) checkHostFiles(hostFiles);
  const host = location.host();
  const target = `${folder.replace(/\/$/, '')}/${name}`;
  const exists = await host.stat(target).then(() => true, () => false);
  if (exists && !options.replace) {
    const replace = await vscode.window.showWarningMessage(`${target} already exists${location.cluster ? ` on ${location.cluster}` : ''}.`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return undefined;
  }
  const mode = vscode.workspace.getConfiguration('reprolab.build').get<BuildMode>('mode', 'fakeroot');
  const binary = (await probeApptainer(host)).binary;
  const where = location.cluster ?? 'this machine';

  // On this machine the build runs beside the definition file; on a cluster, in a folder that gets a copy of it and its %files.
  const buildFolder = location.cluster ? await uploadBuildFolder(host, definition.fsPath, hostFiles, name) : path.dirname(definition.fsPath);
  const definitionName = location.cluster ? path.basename(definition.fsPath) : definition.fsPath;
  ctx.log.info(`Building ${target} on ${where} from ${definition.fsPath} (${mode}${asJob ? ', as a Slurm job' : ''})`);

  if (asJob) {
    const build = vscode.workspace.getConfiguration('reprolab.build');
    const script = renderBuildJob({ binary, target, folder: buildFolder, definitionName, mode, force: exists, resources: { partition: build.get<string>('partition') || undefined, time: build.get<string>('time') || undefined } });
    await host.writeFile(`${buildFolder}/build.sbatch`, script);
    const { jobId } = await submitBatch(host, script, { cwd: buildFolder });
    await host.writeFile(`${buildFolder}/run.json`, JSON.stringify({ kind: 'build', definition: definition.fsPath, image: target, host: where, jobId, command: buildCommand(binary, target, definitionName, mode, exists), startedAt: new Date().toISOString() }, null, 2) + '\n');
    const run = ctx.jobsTree.track({ name: `build ${name}`, cluster: location.cluster, where, outputFolder: buildFolder, jobId, logPath: `${buildFolder}/slurm-${jobId}.out` });
    void ctx.jobsTree.whenFinished(run.id).then(async (end) => {
      ctx.imagesTree.refresh();
      if (end.state === 'COMPLETED') void vscode.window.showInformationMessage(`Built ${name} on ${where} (job ${jobId}).`);
      else if ((await vscode.window.showErrorMessage(`Building ${name} on ${where} ended ${end.state} (job ${jobId}): read its log for the reason.`, 'Show Job Log')) === 'Show Job Log') {
        await vscode.commands.executeCommand('reprolab.showRunLog', { kind: 'run', run });
      }
    });
    return { target, location: location.label, jobId, runId: run.id };
  }

  const output = vscode.window.createOutputChannel(`ReproLab: build ${name}`, { log: true });
  const status = await runWithProgress(host, buildCommand(binary, target, definitionName, mode, exists), `Building ${name} on ${where}`, output, buildFolder);
  if (status.code !== 0) {
    output.show(true);
    throw new Error(`Building ${name} on ${where} failed: ${lastErrorLine(status.stderr) || `exit code ${status.code}`}`);
  }
  ctx.imagesTree.refresh();
  void vscode.window.showInformationMessage(`Built ${target}${location.cluster ? ` on ${location.cluster}` : ''}.`);
  return { target, location: location.label };
}

async function definitionFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'apptainer') return active.uri;
  const found = await vscode.workspace.findFiles('**/{*.def,Singularity,Apptainer,Singularity.*,Apptainer.*}', '**/{node_modules,.git}/**', 100);
  if (found.length === 0) throw new Error('No definition file in this workspace: write one (a .def file), then build it.');
  if (found.length === 1) return found[0];
  return (await vscode.window.showQuickPick(found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), { placeHolder: 'Build which definition file?' }))?.uri;
}

async function chooseLocation(ctx: CommandContext, wanted?: string): Promise<ImageLocation | undefined> {
  const locations = ctx.imagesTree.locations();
  if (!locations.length) throw new Error('Add an image folder first (on this machine, or in a cluster\'s imageFolders): the built image goes there.');
  if (wanted) {
    const found = locations.find((l) => l.label === wanted || l.cluster === wanted);
    if (!found) throw new Error(`"${wanted}" has no image folder: add one in the settings, or build elsewhere.`);
    return found;
  }
  if (locations.length === 1) return locations[0];
  return (await vscode.window.showQuickPick(locations.map((l) => ({ label: l.label, description: l.folders.join(', '), location: l })), { placeHolder: 'Build the image where?' }))?.location;
}

async function askAsJob(cluster: string): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'On the login node', description: 'now, with progress here', asJob: false },
      { label: 'As a Slurm job', description: 'on a compute node; followed in the Jobs view', asJob: true },
    ],
    { placeHolder: `Build on ${cluster} how?` },
  );
  return picked?.asJob;
}

/** A fresh folder on the cluster holding the definition file and the host files its %files copy. */
async function uploadBuildFolder(host: Host, definition: string, hostFiles: string[], name: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const folder = `${await host.home()}/reprolab-builds/${name.replace(/\.sif$/, '')}-${stamp}`;
  const base = path.dirname(definition);
  const files: string[] = [];
  for (const relative of hostFiles) files.push(...(await filesUnder(base, relative)));
  const folders = new Set([folder, ...files.map((f) => path.posix.dirname(`${folder}/${f}`))]);
  const mkdir = await host.exec(['mkdir', '-p', '--', ...folders]);
  if (mkdir.code !== 0) throw new Error(`Could not create ${folder} on ${host.name}: ${mkdir.stderr.trim()}`);
  await host.writeFile(`${folder}/${path.basename(definition)}`, await fs.readFile(definition));
  for (const file of files) {
    const local = path.join(base, file);
    await host.writeFile(`${folder}/${file}`, await fs.readFile(local), { mode: (await fs.stat(local)).mode & 0o777 });
  }
  return folder;
}

/** A %files source as files relative to the definition's folder (a folder's files, recursively; a wildcard's matches). */
async function filesUnder(base: string, relative: string): Promise<string[]> {
  const name = path.posix.basename(relative);
  if (/[*?[]/.test(name)) {
    const parent = path.posix.dirname(relative);
    const entries = await fs.readdir(path.join(base, parent)).catch(() => [] as string[]);
    const matches = entries.filter((e) => matchesGlob(e, name));
    if (matches.length === 0) throw new Error(`%files copies ${relative}, which matches nothing beside the definition file: add the files, or fix the pattern.`);
    return (await Promise.all(matches.map((m) => filesUnder(base, path.posix.join(parent, m))))).flat();
  }
  const stat = await fs.stat(path.join(base, relative)).catch(() => undefined);
  if (!stat) throw new Error(`%files copies ${relative}, which is not beside the definition file: add it, or fix the path.`);
  if (!stat.isDirectory()) return [relative];
  const entries = await fs.readdir(path.join(base, relative));
  return (await Promise.all(entries.map((e) => filesUnder(base, path.posix.join(relative, e))))).flat();
}
