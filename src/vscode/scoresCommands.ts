import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandContext } from './commands';
import { requireRun } from './jobCommands';
import { JobNode, TrackedRun, TrackedTask } from './views/jobsTree';
import { ComparePanel } from './webviews/comparePanel';
import { ScoresTarget } from './webviews/scoresView';

/** Show Scores (a job, a run folder or a cv_results.csv) and Compare Runs (several jobs). */
export function scoresCommands(ctx: CommandContext): Record<string, (...args: never[]) => unknown> {
  return {
    'reprolab.showScores': async (arg?: unknown) => {
      const target = await scoresTarget(ctx, arg);
      if (target) return ctx.scoresView.show(target);
    },
    'reprolab.compareRuns': async (clicked?: unknown, selected?: unknown) => {
      const nodes = (Array.isArray(selected) && selected.length ? selected : clicked ? [clicked] : []) as JobNode[];
      let targets = nodes.flatMap((node) => targetsOf(ctx, node));
      if (targets.length < 2) targets = await pickRuns(ctx, targets);
      if (targets.length) return ComparePanel.open(ctx.extensionUri, targets);
    },
  };
}

/** The scores of a tracked run, or of one seed of a sweep. */
export function runTarget(ctx: CommandContext, run: TrackedRun, task?: TrackedTask): ScoresTarget {
  return { host: ctx.jobsTree.runHost(run), folder: task?.outputFolder ?? run.outputFolder, label: task ? `${run.name.replace(/ \(seeds .*\)$/, '')} (seed ${task.seed})` : run.name, where: run.where };
}

function targetsOf(ctx: CommandContext, node: JobNode): ScoresTarget[] {
  if (node?.kind === 'task') return [runTarget(ctx, node.run, node.task)];
  if (node?.kind !== 'run') return [];
  const run = ctx.jobsTree.get(node.run.id);
  if (!run) return [];
  // A seed sweep is compared seed by seed.
  return run.tasks?.length ? run.tasks.map((t) => runTarget(ctx, run, t)) : [runTarget(ctx, run)];
}

async function scoresTarget(ctx: CommandContext, arg: unknown): Promise<ScoresTarget | undefined> {
  if (arg instanceof vscode.Uri) {
    if (arg.scheme !== 'file') throw new Error('Show Scores reads files on this machine or from the Jobs view; open the run from the Jobs view instead.');
    const stat = await vscode.workspace.fs.stat(arg);
    const folder = stat.type & vscode.FileType.Directory ? arg.fsPath : path.dirname(arg.fsPath);
    // A cv_results.csv is read as it is (its run folder gives args.yaml and run.json).
    return { host: ctx.hosts.local, folder: arg.fsPath, label: path.basename(folder), where: 'this machine' };
  }
  const node = arg as JobNode | undefined;
  if (node?.kind === 'run' || node?.kind === 'task') {
    const { run, task } = requireRun(ctx, node);
    if (!task && run.tasks?.length) {
      const picked = await vscode.window.showQuickPick(run.tasks.map((t) => ({ label: `seed ${t.seed}`, description: t.state, task: t })), { placeHolder: 'Scores of which seed?' });
      return picked ? runTarget(ctx, run, picked.task) : undefined;
    }
    return runTarget(ctx, run, task);
  }
  const [picked] = await pickRuns(ctx, [], false);
  return picked;
}

/** Finished runs and seeds to choose from, for commands started from the palette. */
async function pickRuns(ctx: CommandContext, chosen: ScoresTarget[], many = true): Promise<ScoresTarget[]> {
  const items = ctx.jobsTree.getChildren().flatMap((node) => (node.kind === 'run' && node.run.state === 'COMPLETED' ? targetsOf(ctx, node) : []))
    .filter((t) => !chosen.some((c) => c.folder === t.folder && c.where === t.where))
    .map((target) => ({ label: target.label, description: target.where, detail: target.folder, target }));
  if (items.length === 0 && chosen.length === 0) throw new Error('No finished run yet: run a configuration, or use Show Scores on a folder that holds cv_results.csv.');
  if (!many) {
    const one = await vscode.window.showQuickPick(items, { placeHolder: 'Scores of which run?' });
    return one ? [one.target] : [];
  }
  const more = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: chosen.length ? `Compare ${chosen[0].label} with which runs?` : 'Compare which runs? (two or more)' });
  return more ? [...chosen, ...more.map((m) => m.target)] : [];
}
