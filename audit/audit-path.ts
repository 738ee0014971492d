import { resolve } from 'node:path';

/** The gateway's audit database when its config names none. */
export const DEFAULT_GATEWAY_AUDIT_PATH = './data/gateway-audit.db';

/**
 * Where a server's audit log lives: config `audit.sqlite`, else beside a trust's store
 * (`<store.sqlite>.audit.db`: the trust's data and the record of who read it stay together), else
 * `./data/gateway-audit.db` for a gateway. Reads raw JSON so the audit command works on either
 * config without knowing its whole schema. Relative paths resolve against the working directory,
 * as the servers resolve theirs.
 */
export function auditPathOf(config: unknown): { path: string; kind: 'trust' | 'gateway' } {
  const c = (typeof config === 'object' && config !== null ? config : {}) as {
    audit?: { sqlite?: unknown };
    store?: { sqlite?: unknown };
    trusts?: unknown;
  };
  const kind = Array.isArray(c.trusts) ? 'gateway' : 'trust';
  const explicit = c.audit?.sqlite;
  if (explicit !== undefined && (typeof explicit !== 'string' || explicit === '')) throw new Error('audit.sqlite: must be a non-empty path');
  if (typeof explicit === 'string') return { path: resolve(explicit), kind };
  if (kind === 'gateway') return { path: resolve(DEFAULT_GATEWAY_AUDIT_PATH), kind };
  const store = c.store?.sqlite;
  if (typeof store !== 'string' || store === '') throw new Error('config is neither a gateway config (trusts) nor a trust config (store.sqlite)');
  return { path: resolve(`${store}.audit.db`), kind };
}
