import * as vscode from 'vscode';
import { parsePullProgress } from '../core/apptainer/commands';
import { ExitStatus, Host } from '../core/host/host';

/**
 * Runs a long Apptainer command (pull, build) in a cancellable notification that shows its
 * progress lines, every line also going to `output`. Cancelling stops the command and throws
 * CancellationError.
 */
export async function runWithProgress(host: Host, argv: string[], title: string, output: vscode.LogOutputChannel, cwd?: string): Promise<ExitStatus & { stderr: string }> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    let reported = 0;
    let stderr = '';
    const onChunk = (chunk: Buffer, isErr: boolean) => {
      const text = chunk.toString();
      if (isErr) stderr += text;
      for (const line of text.split(/[\r\n]+/)) {
        const step = parsePullProgress(line);
        if (!step) continue;
        output.info(step.message);
        const increment = step.percent !== undefined && step.percent > reported ? step.percent - reported : undefined;
        if (increment) reported = step.percent!;
        progress.report({ message: step.message.slice(0, 80), increment });
      }
    };
    const running = host.stream(argv, { onStdout: (c) => onChunk(c, false), onStderr: (c) => onChunk(c, true) }, cwd ? { cwd } : undefined);
    token.onCancellationRequested(() => running.cancel());
    const status = await running.done;
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    return { ...status, stderr };
  });
}
