/** A test peer (process, server, proxy) that ends with `stop()` or with `close()`, never both (so which one runs is not a guess). */
export type StoppablePeer = { stop(): Promise<unknown>; close?: never } | { close(): Promise<unknown>; stop?: never } | undefined;

/**
 * Ends the peers one after another, in the order given (callers first, then what they call), and
 * passes over the ones a failed `beforeAll` never started.
 */
export async function stopPeers(...peers: StoppablePeer[]): Promise<void> {
  for (const peer of peers) {
    if (!peer) continue;
    await ('stop' in peer ? peer.stop() : peer.close());
  }
}
