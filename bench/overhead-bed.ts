import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from './child-server.ts';
import { benchGatewayConfig } from './gateway-config.ts';
import { progress } from './progress.ts';
import { startSimulatedTrust, type SimulatedTrust } from './simulated-trust.ts';
import { composeSupergraph } from './supergraph.ts';
import type { SectionContext } from './sections/section-report.ts';

/** The seeded trust of the overhead test: 14 days × 20 requests/day of the simulator's RXA world. */
export const OVERHEAD_WORLD = { profile: 'RXA', seed: 8, days: 14, studiesPerDay: 20 } as const;

export type GatewayKind = 'ours-full' | 'ours-full-unshared' | 'ours' | 'apollo' | 'hive' | 'hive-dedupe';

/** Issuer and audience of the bench's tokens (HS256, a secret made per run). */
const BENCH_ISSUER = 'https://idp.bench.invalid';
const BENCH_AUDIENCE = 'imaging-network';

/** A gateway that started, or why it did not. */
export type GatewayUnderTest = { kind: GatewayKind; ok: true; server: ChildServer<{ url: string }> } | { kind: GatewayKind; ok: false; reason: string };

/**
 * One seeded trust and the gateways over it, each in its own process: ours, @apollo/gateway on
 * @apollo/server, and Hive Gateway (with its in-flight deduplication off, and on as shipped). Shared by the overhead and profile sections so a run seeds once.
 */
export interface OverheadBed {
  trust: SimulatedTrust;
  gateways: GatewayUnderTest[];
  supergraphFile: string;
  /** The trust as a gateway config lists it (the profile section starts another gateway over it). */
  trustEntry: { code: string; url: string };
  /** The bearer header the full-job gateway (`ours-full`) is called with: a clinician of the trust. */
  fullJobHeaders: Record<string, string>;
  close(): Promise<void>;
}

async function tryStart(kind: GatewayKind, start: () => Promise<ChildServer<{ url: string }>>): Promise<GatewayUnderTest> {
  try {
    return { kind, ok: true, server: await start() };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
    progress(`  ${kind} gateway did not start: ${reason}`);
    return { kind, ok: false, reason };
  }
}

/** `withGateways: false` starts the seeded trust only (the profile section alone needs no comparison). */
export async function startOverheadBed(ctx: SectionContext, options: { withGateways: boolean }): Promise<OverheadBed> {
  progress(`seeding trust ${OVERHEAD_WORLD.profile}: simulator PACS + ${OVERHEAD_WORLD.days} days × ${OVERHEAD_WORLD.studiesPerDay} studies/day of HL7 over MLLP`);
  // Secrets made for this run only: the gateway verifies HS256 tokens and signs every trust call.
  const jwtSecret = randomBytes(32).toString('hex');
  const gatewaySecret = randomBytes(24).toString('hex');
  const trust = await startSimulatedTrust({ ...OVERHEAD_WORLD, now: ctx.now, dir: join(ctx.tmpDir, 'overhead'), signedTwinSecret: gatewaySecret });
  progress(`  seeded: ${trust.seedMessages} messages, ACKs ${JSON.stringify(trust.seedAcks)}, PACS studies ${trust.pacs.ready.studies}`);

  const token = await new SignJWT({ roles: ['clinician'], trust: trust.code })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-clinician')
    .setIssuer(BENCH_ISSUER)
    .setAudience(BENCH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(jwtSecret));
  const gateways: GatewayUnderTest[] = [];
  const trustEntry = { code: trust.code, url: trust.url };
  const supergraphFile = join(ctx.tmpDir, 'supergraph.graphql');
  try {
    if (options.withGateways) {
      const gatewayConfig = benchGatewayConfig(ctx.tmpDir, [trustEntry]);
      const fullJobConfig = benchGatewayConfig(ctx.tmpDir, [{ code: trust.code, url: trust.signedTwin!.ready.url }], {
        auth: { jwt: { secret: jwtSecret, issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE } },
        gatewaySecret,
      });
      writeFileSync(supergraphFile, await composeSupergraph([{ name: trust.code.toLowerCase(), url: trust.url }]));
      progress('starting gateways: ours (full job, full job without in-flight sharing, auth off), @apollo/gateway, Hive Gateway (dedupe off, and on)');
      gateways.push(
        await tryStart('ours-full', () => startChildServer('our gateway (full job)', './servers/gateway-process.ts', { config: fullJobConfig })),
        await tryStart('ours-full-unshared', () =>
          startChildServer('our gateway (full job, no sharing)', './servers/gateway-process.ts', { config: benchGatewayConfig(ctx.tmpDir, [{ code: trust.code, url: trust.signedTwin!.ready.url }], { auth: fullJobConfig.auth, gatewaySecret, trustCalls: { dedupeInFlight: false } }) }),
        ),
        await tryStart('ours', () => startChildServer('our gateway', './servers/gateway-process.ts', { config: gatewayConfig })),
        await tryStart('apollo', () => startChildServer('@apollo/gateway', './servers/apollo-gateway-process.ts', { supergraphFile })),
        await tryStart('hive', () => startChildServer('Hive Gateway', './servers/hive-gateway-process.ts', { supergraphFile, dedupe: false })),
        await tryStart('hive-dedupe', () => startChildServer('Hive Gateway (dedupe)', './servers/hive-gateway-process.ts', { supergraphFile, dedupe: true })),
      );
    }
  } catch (err) {
    for (const g of gateways) if (g.ok) await g.server.stop();
    await trust.close();
    throw err;
  }
  return {
    trust,
    gateways,
    supergraphFile,
    trustEntry,
    fullJobHeaders: { authorization: `Bearer ${token}` },
    async close() {
      for (const g of gateways) if (g.ok) await g.server.stop();
      await trust.close();
    },
  };
}
