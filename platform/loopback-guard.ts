import { isIP } from 'node:net';

/** What the guard needs of a logger (pino fits). */
export interface WarnLogger {
  warn(obj: object, msg?: string): void;
}

/** True for addresses that only this machine can reach: 127.0.0.0/8, ::1, `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * A server without an `auth` section answers anyone who can reach it, patient data included, so
 * it may listen on loopback only: anything else throws (naming the config key) before listening.
 * On loopback it starts, with a warning that authentication is off.
 */
export function assertLoopbackWhenUnauthenticated(host: string, hasAuth: boolean, log: WarnLogger): void {
  if (hasAuth) return;
  if (!isLoopbackHost(host)) {
    throw new Error(`http.host: ${host} is not a loopback address; without an auth section the server binds to loopback only (127.0.0.1)`);
  }
  log.warn({ host }, 'authentication is off (no auth section): serving loopback only, every caller has every role');
}
