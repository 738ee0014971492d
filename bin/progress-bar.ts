/**
 * A one-line progress bar on stderr for long batches (`sent 1200/4000 [=====     ] 30% 850/s`).
 * Redrawn at most every 100 ms; on a non-TTY it prints a line every 10%.
 */
export function createProgressBar(total: number, label: string) {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  return {
    update(done: number, extra = ''): void {
      const now = Date.now();
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round((pct / 100) * width);
        const rate = done / Math.max((now - started) / 1000, 0.001);
        process.stderr.write(
          `\r${label} ${done}/${total} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% ${rate.toFixed(0)}/s ${extra}  `,
        );
      } else {
        const decile = Math.floor(pct / 10);
        if (decile === lastDecile && done < total) return;
        lastDecile = decile;
        process.stderr.write(`${label} ${done}/${total} (${pct}%) ${extra}\n`);
      }
    },
    done(): void {
      if (tty) process.stderr.write('\n');
    },
  };
}
