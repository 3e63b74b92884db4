import * as vscode from 'vscode';
import { HostKeyRequest, PromptRequest, SshPrompter } from '../core/host/ssh';

const SECRET_PREFIX = 'reprolab.ssh.';

/**
 * Asks SSH questions in VS Code: input boxes that stay open when focus moves (a second factor may
 * need a phone), password fields for secrets, a modal for host keys. Passwords and passphrases
 * are remembered only when the user opted in, and only in SecretStorage.
 */
export class VsCodeSshPrompter implements SshPrompter {
  /** Answers typed during the login in progress, stored once the login succeeds. */
  private readonly typed = new Map<string, string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly rememberSecrets: () => boolean,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async prompt(request: PromptRequest): Promise<string | undefined> {
    const key = SECRET_PREFIX + request.id;
    if (request.rememberable && this.rememberSecrets()) {
      if (request.attempt === 1) {
        const stored = await this.secrets.get(key);
        if (stored !== undefined) return stored;
      } else {
        await this.secrets.delete(key); // it was wrong
      }
    }
    const answer = await vscode.window.showInputBox({
      title: request.title,
      prompt: request.instructions ? `${request.instructions} ${request.prompt}` : request.prompt,
      password: !request.echo,
      ignoreFocusOut: true,
      placeHolder: request.attempt > 1 ? 'That was not accepted; try again' : undefined,
    });
    if (answer !== undefined && request.rememberable) this.typed.set(request.id, answer);
    return answer;
  }

  async confirmHostKey(request: HostKeyRequest): Promise<boolean> {
    const trust = 'Trust and Connect';
    const choice = await vscode.window.showWarningMessage(`Connect to ${request.host}?`, { modal: true, detail: request.message }, trust);
    return choice === trust;
  }

  loginSucceeded(ids: string[]): void {
    if (this.rememberSecrets()) {
      for (const id of ids) {
        const value = this.typed.get(id);
        if (value !== undefined) void this.secrets.store(SECRET_PREFIX + id, value).then(() => this.log.info(`Remembered ${id.split(':')[0]} for ${id.slice(id.indexOf(':') + 1)} in VS Code's secret storage`));
      }
    }
    this.typed.clear();
  }
}
