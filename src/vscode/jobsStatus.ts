import * as vscode from 'vscode';
import { JobsTreeProvider } from './views/jobsTree';

/** A status bar count of running and pending runs; a click opens the Jobs view. */
export function jobsStatusItem(jobsTree: JobsTreeProvider): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('reprolab.jobs', vscode.StatusBarAlignment.Left, 40);
  item.name = 'ReproLab Jobs';
  item.command = 'reprolab.jobs.focus';
  const update = () => {
    const { running, pending } = jobsTree.counts();
    if (running + pending === 0) return item.hide();
    item.text = `$(server-process) ${running} running${pending ? `, ${pending} pending` : ''}`;
    item.tooltip = 'ReproLab runs: open the Jobs view';
    item.show();
  };
  update();
  return vscode.Disposable.from(item, jobsTree.onDidChangeTreeData(update));
}
