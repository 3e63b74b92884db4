/**
 * Turns a job log's raw bytes into the lines a reader wants in an output channel: progress bars
 * redrawn with `\r` keep only their last state, ANSI colour codes are dropped, and a run of the
 * same line (a warning printed per batch) is shown once with how often it repeated.
 */
import { StringDecoder } from 'string_decoder';

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export class LogLines {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lastLine?: string;
  private repeats = 0;

  /** @param emit receives whole lines, each ending in a newline. */
  constructor(private readonly emit: (text: string) => void) {}

  /** Adds bytes of the log as they arrive; only complete lines are emitted. */
  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.pending += text;
    let newline: number;
    let out = '';
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      out += this.line(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    if (out) this.emit(out);
  }

  /** Emits what is left: a last line without a newline, and a pending repeat count. */
  flush(): void {
    this.pending += this.decoder.end();
    let out = this.pending ? this.line(this.pending) : '';
    this.pending = '';
    out += this.repeatNote();
    if (out) this.emit(out);
  }

  private line(raw: string): string {
    // `\r\n` ends a line; a lone `\r` redraws it, so the last segment is what the screen showed.
    const segments = raw.replace(/\r$/, '').split('\r');
    const text = segments[segments.length - 1].replace(ANSI, '');
    if (text === this.lastLine && text.trim() !== '') {
      this.repeats++;
      return '';
    }
    const note = this.repeatNote();
    this.lastLine = text;
    return `${note}${text}\n`;
  }

  private repeatNote(): string {
    const n = this.repeats;
    this.repeats = 0;
    return n ? `    [the line above repeated ${n} more time${n === 1 ? '' : 's'}]\n` : '';
  }
}
