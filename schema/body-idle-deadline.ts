import type { Readable } from 'node:stream';

/**
 * An idle deadline for a streamed answer body (the PACS's at the trust, the trust's at the
 * gateway): destroyed when no byte arrives for `ms` WHILE we are reading. A socket timeout would
 * also fire while the body is paused by back-pressure (a slow client reading a 1 GB study), and
 * cut an answer that is only waiting for its reader; so the clock stops on 'pause' and restarts
 * on 'resume' (the events `pipe`/`pipeline` cause).
 */
export function bodyIdleDeadline(body: Readable, ms: number, onIdle: () => Error): void {
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  const arm = () => {
    stop();
    timer = setTimeout(() => body.destroy(onIdle()), ms);
    timer.unref();
  };
  body.on('data', arm);
  body.on('resume', arm);
  body.on('pause', stop);
  body.once('close', stop);
  body.once('end', stop);
  arm();
}
