import { join } from 'node:path';

let audits = 0;

/**
 * A config for our gateway under test: free loopback port, warn-level logs (per-request info lines
 * would be measured, and must never carry patient data anyway), and its audit log in the run's
 * temp dir, one file per gateway process (the default, `./data/gateway-audit.db`, would land in
 * the work tree and be shared between processes).
 */
export function benchGatewayConfig(tmpDir: string, trusts: ReadonlyArray<{ code: string; url: string }>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  audits += 1;
  return {
    http: { port: 0 },
    trusts,
    logLevel: 'warn',
    audit: { sqlite: join(tmpDir, `gateway-audit-${audits}.db`) },
    ...extra,
  };
}
