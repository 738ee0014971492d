import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { percentileOfSorted } from './stats.ts';

/**
 * What one durable commit costs on this disk right now: `count` × (append 4 KiB + fdatasync) in
 * `dir`, median ms. The ingest's ceiling on one connection is about one commit per message, so
 * 1000 ÷ this is the messages/s a perfect one-fsync-per-message ingest could reach; the disk is
 * shared with other work, so it is probed next to each measurement rather than assumed.
 */
export function probeFsyncMs(dir: string, count = 200): number {
  const file = join(dir, `fsync-probe-${process.pid}.bin`);
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 0x5a);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      writeSync(fd, page);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return percentileOfSorted(times, 50);
}
