/** Build progress on stderr: a bar when it is a terminal, one summary line otherwise. */
import { readFileSync } from 'node:fs';

/** Rows done out of rows expected; redraws at most ten times a second. */
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private readonly started = performance.now();
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly total: number) {}

  advance(rows: number): void {
    this.done = Math.min(this.total, this.done + rows);
    const now = performance.now();
    if (!this.tty || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const percent = Math.floor((this.done / this.total) * 100);
    process.stderr.write(`\ripdata: [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${this.done}/${this.total} rows`);
  }

  finish(summary: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`${this.tty ? '\r\x1b[K' : ''}ipdata: compiled ${summary} in ${seconds} s\n`);
  }
}

/** Line count of a file, for the progress bar's total (a fast byte scan, not a parse). */
export function countLines(file: string): number {
  const bytes = readFileSync(file);
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}
