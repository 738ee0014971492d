import type { Readable } from 'node:stream';

/**
 * An idle deadline for a streamed answer body (the PACS's at the trust, the trust's at the
 * gateway): destroyed when no byte arrives for `ms` WHILE we are reading. A socket timeout would
 * also fire while the body is paused by back-pressure (a slow client reading a 1 GB study), and
 * cut an answer that is only waiting for its reader; so the clock stops on 'pause' and restarts
 * on 'resume' (the events `pipe`/`pipeline` cause). One coarse interval per body, and a clock read
 * per chunk: no timer is re-armed for each of the ~16,000 chunks of a gigabyte.
 */
export function bodyIdleDeadline(body: Readable, ms: number, onIdle: () => Error): void {
  let last = Date.now();
  let paused = false;
  const timer = setInterval(() => {
    if (!paused && Date.now() - last >= ms) {
      clearInterval(timer);
      body.destroy(onIdle());
    }
  }, Math.max(5, Math.min(1000, Math.floor(ms / 4))));
  timer.unref();
  body.on('data', () => {
    last = Date.now();
  });
  body.on('pause', () => {
    paused = true;
  });
  body.on('resume', () => {
    paused = false;
    last = Date.now();
  });
  const stop = () => clearInterval(timer);
  body.once('close', stop);
  body.once('end', stop);
}
