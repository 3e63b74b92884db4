import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandContext } from './commands';
import { parseDocument } from 'yaml';
import { setInDocument } from '../core/runs/runConfig';
import { launchRun, loadRunConfig } from './runner';
import { runTarget } from './scoresCommands';
import { ComparePanel } from './webviews/comparePanel';
import { JobNode, TrackedRun, TrackedTask } from './views/jobsTree';

/** Commands of the Jobs view and of run configurations: run, sweep, log, cancel, resubmit, folders. */
export function jobCommands(ctx: CommandContext): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.run': async (uri?: unknown) => launchRun(ctx, await loadRunConfig(ctx, await pickRunConfig(uri))),
    'reprolab.runSeedSweep': async (uri?: unknown) => {
      const loaded = await loadRunConfig(ctx, await pickRunConfig(uri));
      const seeds = await vscode.window.showInputBox({
        title: `Seed sweep of ${loaded.name}`,
        prompt: 'Seeds to run, one Slurm array task each: a range such as 0-4, or a list such as 0,1,7',
        value: '0-4',
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d+(-\d+(:\d+)?)?(,\d+(-\d+(:\d+)?)?)*(%\d+)?$/.test(v.trim()) ? undefined : 'Write seeds like 0-4 or 0,1,7'),
      });
      if (seeds) return launchRun(ctx, loaded, { seeds: seeds.trim() });
    },
    'reprolab.showRunLog': (node: unknown) => showLog(ctx, node),
    'reprolab.cancelRun': async (node: unknown) => {
      const n = node as JobNode | undefined;
      if (n?.kind === 'job') {
        const ok = await confirm(`Cancel job ${n.job.id} (${n.job.name}) on ${n.where}?`, 'scancel ends it now; its outputs so far stay.');
        if (ok) await ctx.jobsTree.cancelOther(n.cluster, n.job);
        return;
      }
      const { run, task } = requireRun(ctx, node);
      const what = task ? `seed ${task.seed} of ${run.name}` : run.name;
      const detail = run.target === 'slurm' ? `scancel ${task?.jobId ?? run.jobId} ends it now; its outputs so far stay.` : 'The run and everything it started are ended; its outputs so far stay.';
      if (await confirm(`Cancel ${what} on ${run.where}?`, detail)) await ctx.jobsTree.cancel(run, task);
    },
    'reprolab.copyOutputFolder': async (node: unknown) => {
      const { run, task } = requireRun(ctx, node);
      const folder = task?.outputFolder ?? run.outputFolder;
      await vscode.env.clipboard.writeText(folder);
      vscode.window.setStatusBarMessage(`Copied ${folder}`, 3000);
    },
    'reprolab.copyJobId': async (node: unknown) => {
      const n = node as JobNode | undefined;
      const id = n?.kind === 'job' ? n.job.id : (() => {
        const { run, task } = requireRun(ctx, node);
        return task?.jobId ?? run.jobId;
      })();
      if (!id) throw new Error('That run ran directly on its host, not as a Slurm job, so it has no job id.');
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`Copied job id ${id}`, 3000);
    },
    'reprolab.openOutputFolder': (node: unknown) => openOutputFolder(ctx, node),
    'reprolab.resubmit': async (node: unknown) => {
      const { run } = requireRun(ctx, node);
      if (!run.configUri) throw new Error(`${run.name} was not started from a run configuration, so it cannot be run again from here.`);
      const seeds = run.tasks?.length ? run.tasks.map((t) => t.seed).join(',') : undefined;
      return launchRun(ctx, await loadRunConfig(ctx, vscode.Uri.parse(run.configUri)), { seeds });
    },
    'reprolab.rerunWithSeed': async (node: unknown) => {
      const { run } = requireRun(ctx, node);
      if (!run.configUri) throw new Error(`${run.name} was not started from a run configuration, so it cannot be run again from here.`);
      const last = /\(seed (\d+)\)$/.exec(run.name)?.[1];
      const seed = await vscode.window.showInputBox({
        title: `Run ${run.name.replace(/ \(seeds? .*\)$/, '')} again`,
        prompt: 'The seed for the new run (the configuration file stays as it is)',
        value: String(last === undefined ? 1 : Number(last) + 1),
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'Write a whole number, such as 1'),
      });
      if (seed === undefined) return;
      return launchRun(ctx, await loadRunConfig(ctx, vscode.Uri.parse(run.configUri)), { seed: Number(seed.trim()) });
    },
    'reprolab.compareWithNativeRun': async (uri?: unknown) => compareWithNativeRun(ctx, await pickRunConfig(uri)),
    'reprolab.dismissRun': (node: unknown) => ctx.jobsTree.dismiss(requireRun(ctx, node).run.id),
    'reprolab.refreshJobs': () => ctx.jobsTree.refresh(),
  };
}

/**
 * Compare with Native Run: the configuration run inside its image and, with the same arguments,
 * by its native command on the host; when both complete, their scores side by side, with the
 * verdict on whether the container reproduces the host's results.
 */
async function compareWithNativeRun(ctx: CommandContext, uri: vscode.Uri): Promise<ComparePanel | undefined> {
  let loaded = await loadRunConfig(ctx, uri);
  if (!loaded.config.native) {
    const typed = await vscode.window.showInputBox({
      title: `Run ${loaded.name} outside the container`,
      prompt: 'The command that runs the lab on the host, in the workspace folder; the configuration\'s arguments follow it',
      placeHolder: 'python3 main.py',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'Write a command, such as python3 main.py' : /['"\\]/.test(v) ? 'Words only: for quoted arguments, edit native.command in the YAML' : undefined),
    });
    if (!typed) return undefined;
    const document = parseDocument(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
    setInDocument(document, ['native', 'command'], typed.trim().split(/\s+/));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(document.toString()));
    loaded = await loadRunConfig(ctx, uri);
  }
  const [container, native] = [await launchRun(ctx, loaded), await launchRun(ctx, loaded, { native: true })];
  const ends = await Promise.all([container.finished, native.finished]);
  const failed = ends.findIndex((e) => e.state !== 'COMPLETED');
  if (failed >= 0) throw new Error(`The ${failed === 0 ? 'container' : 'native'} run of ${loaded.name} ended ${ends[failed].state}: read its log in the Jobs view, fix it, and compare again.`);
  const runs = [container, native].map((r) => ctx.jobsTree.get(r.id)).filter((r): r is TrackedRun => !!r);
  return ComparePanel.open(ctx.extensionUri, runs.map((run) => runTarget(ctx, run)));
}

async function confirm(message: string, detail: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Cancel Job');
  return choice === 'Cancel Job';
}

/** The run configuration a command is for: the one passed, the active editor's, or one picked. */
async function pickRunConfig(arg: unknown): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && /\.reprolab\/runs\/[^/]+\.yaml$/.test(active.path)) return active;
  const found = await vscode.workspace.findFiles('.reprolab/runs/*.yaml');
  if (found.length === 0) throw new Error('No run configuration yet: open an image in the run form (the ▷ in the Images view) and Save one.');
  if (found.length === 1) return found[0];
  const picked = await vscode.window.showQuickPick(found.map((uri) => ({ label: path.basename(uri.fsPath, '.yaml'), description: vscode.workspace.asRelativePath(uri), uri })), { placeHolder: 'Run which configuration?' });
  if (!picked) throw new vscode.CancellationError();
  return picked.uri;
}

/** A run (or one task of a sweep) from a tree node or a run object. */
export function requireRun(ctx: CommandContext, node: unknown): { run: TrackedRun; task?: TrackedTask } {
  const n = node as (JobNode & { id?: string }) | undefined;
  const id = n?.kind === 'run' || n?.kind === 'task' ? n.run.id : n?.id;
  const run = id ? ctx.jobsTree.get(id) : undefined;
  if (!run) throw new Error('Pick a run in the Jobs view first.');
  const task = n?.kind === 'task' ? run.tasks?.find((t) => t.jobId === n.task.jobId) : undefined;
  return { run, task };
}

/** Follows the run's log into an output channel (for a sweep, the seed picked). */
async function showLog(ctx: CommandContext, node: unknown): Promise<void> {
  const { run, task } = requireRun(ctx, node);
  if (!task && run.tasks?.length) {
    const picked = await vscode.window.showQuickPick(run.tasks.map((t) => ({ label: `seed ${t.seed}`, description: `${t.state} · job ${t.jobId}`, task: t })), { placeHolder: 'Log of which seed?' });
    if (picked) ctx.jobsTree.followLog(run.id, picked.task);
    return;
  }
  if (!run.logPath) {
    // A run listed before logs were followed: its log sits beside its outputs.
    const host = ctx.jobsTree.runHost(run);
    const text = (await host.readFile(`${run.outputFolder}/run.log`)).toString('utf8');
    await vscode.window.showTextDocument(ctx.imageDocuments.register(run.where, run.outputFolder, 'run.log', text, 'log'), { preview: true });
    return;
  }
  ctx.jobsTree.followLog(run.id, task);
}

/** This machine: the folder in a new window's explorer is too much, so reveal it; a cluster: pick a file to open. */
async function openOutputFolder(ctx: CommandContext, node: unknown): Promise<void> {
  const { run, task } = requireRun(ctx, node);
  const folder = task?.outputFolder ?? run.outputFolder;
  if (!run.cluster) {
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder));
    return;
  }
  const host = ctx.jobsTree.runHost(run);
  const files = (await host.list(folder)).filter((e) => e.isFile).sort((a, b) => a.name.localeCompare(b.name));
  const picked = await vscode.window.showQuickPick(files.map((f) => ({ label: f.name, description: `${f.size} bytes` })), { title: `${folder} on ${run.where}`, placeHolder: 'Open which file?' });
  if (!picked) return;
  if (files.find((f) => f.name === picked.label)!.size > 16 * 1024 * 1024) throw new Error(`${picked.label} is larger than 16 MiB; copy it from ${folder} instead.`);
  const text = (await host.readFile(`${folder}/${picked.label}`)).toString('utf8');
  const language = /\.(ya?ml)$/.test(picked.label) ? 'yaml' : /\.json$/.test(picked.label) ? 'json' : /\.csv$/.test(picked.label) ? 'csv' : 'log';
  await vscode.window.showTextDocument(ctx.imageDocuments.register(run.where, folder, picked.label, text, language), { preview: true });
}
