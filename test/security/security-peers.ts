/**
 * Real peers for the security regression suite: `imaging-network trust` and `imaging-network
 * gateway` processes over HTTP, the DICOMweb simulator as their PACS, configs written to a temp
 * folder. Synthetic patients only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { startDicomwebSimulator } from '../../simulator/index.ts';
import { freePort } from '../helpers/orthanc.ts';
import { runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';

export const JWT_SECRET = 'test-only-hs256-secret-0123456789abcdef';
export const GATEWAY_SECRET = 'test-only-gateway-secret-0123456789';
export const ISSUER = 'https://idp.test.invalid';
export const AUDIENCE = 'imaging-network';
const CLI = fileURLToPath(new URL('../../bin/imaging-network.js', import.meta.url));

export interface TrustPeer {
  code: string;
  url: string;
  httpPort: number;
  mllpPort: number;
  configFile: string;
  process: RunningChild;
  stop(): Promise<void>;
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `sec-${prefix}-`));

/** An empty PACS (the DICOMweb simulator): enough for trusts whose rows come from HL7. */
export async function emptyPacs(): Promise<{ url: string; close(): Promise<void> }> {
  return startDicomwebSimulator({ port: 0, studies: () => [] });
}

/** Starts `imaging-network trust` with a minimal config plus `extra` (merged at the top level). */
export async function startTrustProcess(dir: string, code: string, pacsUrl: string, extra: Record<string, unknown> = {}, mllpExtra: Record<string, unknown> = {}): Promise<TrustPeer> {
  const httpPort = await freePort();
  const mllpPort = await freePort();
  const configFile = join(dir, `${code}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({
      code,
      name: `Trust ${code}`,
      http: { port: httpPort },
      mllp: { port: mllpPort, ...mllpExtra },
      pacs: { dicomweb: pacsUrl },
      store: { sqlite: join(dir, `${code}.db`) },
      logLevel: 'warn',
      ...extra,
    }),
  );
  const child = runCli(['trust', '--config', configFile]);
  await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, child);
  return { code, url: `http://127.0.0.1:${httpPort}/graphql`, httpPort, mllpPort, configFile, process: child, stop: async () => void (await child.stop()) };
}

export interface GatewayPeer {
  url: string;
  port: number;
  configFile: string;
  process: RunningChild;
  stop(): Promise<void>;
}

/** Starts `imaging-network gateway` over `trusts` with `extra` merged at the top level. */
export async function startGatewayProcess(dir: string, trusts: Array<{ code: string; url: string; gatewaySecret?: string }>, extra: Record<string, unknown> = {}): Promise<GatewayPeer> {
  const port = await freePort();
  const configFile = join(dir, 'gateway.json');
  writeFileSync(configFile, JSON.stringify({ http: { port }, trusts, audit: { sqlite: join(dir, 'gateway-audit.db') }, logLevel: 'warn', ...extra }));
  const child = runCli(['gateway', '--config', configFile]);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, child);
  return { url: `http://127.0.0.1:${port}/graphql`, port, configFile, process: child, stop: async () => void (await child.stop()) };
}

/** The gateway's `auth` section the tokens below verify against. */
export const JWT_AUTH = { jwt: { secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE } };

export async function token(claims: Record<string, unknown>, opts: { lifetimeSec?: number; typ?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', ...(opts.typ ? { typ: opts.typ } : {}) })
    .setIssuedAt(now)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(now + (opts.lifetimeSec ?? 600))
    .sign(new TextEncoder().encode(JWT_SECRET));
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> };
}

export async function postGraphql(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: HttpAnswer['json'] = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the assertions say so
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

/** Runs `imaging-network ARGS…` to completion: exit code and output. */
export function runToEnd(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface SecureNetwork {
  dir: string;
  trust: TrustPeer;
  gateway: GatewayPeer;
  /** Study ids and NHS numbers the simulator generated (ground truth, not read from our code). */
  history: ReturnType<typeof import('../../simulator/index.ts').generateHistory>;
  stop(): Promise<void>;
}

/**
 * One trust (`gatewaySecret`, fed its simulated RIS history over real MLLP, the DICOMweb
 * simulator as PACS) and a gateway with HS256 JWT auth over it, as processes.
 */
export async function startSecureNetwork(prefix: string, gatewayExtra: Record<string, unknown> = {}, trustExtra: Record<string, unknown> = {}): Promise<SecureNetwork> {
  const { generateHistory, RXA_PROFILE } = await import('../../simulator/index.ts');
  const { MllpClient } = await import('../../subgraphs/trust/ris/mllp/mllp-client.ts');
  const dir = tempDir(prefix);
  const history = generateHistory(RXA_PROFILE, { seed: 5, days: 5, studiesPerDay: 6, now: '2026-04-10T12:00:00Z' });
  const pacs = await startDicomwebSimulator({ port: 0, studies: () => history.studies });
  const trust = await startTrustProcess(dir, 'RXA', pacs.url, { gatewaySecret: GATEWAY_SECRET, ...trustExtra });
  const client = new MllpClient('127.0.0.1', trust.mllpPort);
  for (const m of history.messages) await client.send(m.hl7);
  await client.close();
  const gateway = await startGatewayProcess(dir, [{ code: 'RXA', url: trust.url }], { gatewaySecret: GATEWAY_SECRET, auth: JWT_AUTH, ...gatewayExtra });
  return {
    dir,
    trust,
    gateway,
    history,
    async stop() {
      await gateway.stop();
      await trust.stop();
      await pacs.close();
    },
  };
}

/** Audit lines (`imaging-network audit`) of one user, at the server the config belongs to. */
export async function auditLines(configFile: string, user: string): Promise<string[][]> {
  const run = await runToEnd(['audit', '--config', configFile, '--user', user]);
  if (run.code !== 0) throw new Error(`audit failed: ${run.stderr}`);
  return run.stdout.trim() === '' ? [] : run.stdout.trim().split('\n').map((l) => l.split('\t'));
}
