import { join } from 'node:path';
import { builtInProfile, generateHistory, trustHl7Config } from '../simulator/index.ts';
import { MllpClient } from '../subgraphs/trust/ris/mllp/mllp-client.ts';
import { ackCode, countAckCodes } from './ack-code.ts';
import { startChildServer, type ChildServer } from './child-server.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import type { SimulatedHistoryArgs } from './servers/pacs-simulator-process.ts';

/**
 * A real trust seeded with realistic data: the simulator's PACS (DICOMweb, child process), the
 * trust subgraph (child process, SQLite store in `dir`), and the simulator's HL7 history of the
 * same world sent over MLLP, so studies join RIS orders to PACS series and carry reports.
 */
export interface SimulatedTrust {
  code: string;
  /** The trust's GraphQL endpoint (or its counting proxy's, when asked for). */
  url: string;
  trust: ChildServer<{ url: string; mllpPort: number }>;
  pacs: ChildServer<{ url: string; studies: number }>;
  /** Counts trust requests (present when `countRequests`). */
  trustProxy?: CountingProxy;
  /** Counts PACS requests (present when `countRequests`). */
  pacsProxy?: CountingProxy;
  /** ACK codes of the seeding messages, e.g. `{ AA: 1374 }`. */
  seedAcks: Record<string, number>;
  seedMessages: number;
  /**
   * A second trust process over the same seeded store that requires the gateway's signature
   * (`gatewaySecret`), with its own audit log: present when `signedTwinSecret` was given. The
   * unsigned trust stays reachable directly (the "direct" baseline needs unsigned requests).
   */
  signedTwin?: ChildServer<{ url: string; mllpPort: number }>;
  close(): Promise<void>;
}

export interface SimulatedTrustOptions extends SimulatedHistoryArgs {
  /** Folder for the SQLite store (a temp dir). */
  dir: string;
  /** Put counting proxies in front of the trust and its PACS. @default false */
  countRequests?: boolean;
  /** Also start a signed twin (see `SimulatedTrust.signedTwin`) with this `gatewaySecret`. */
  signedTwinSecret?: string;
}

export async function startSimulatedTrust(options: SimulatedTrustOptions): Promise<SimulatedTrust> {
  const profile = builtInProfile(options.profile);
  if (!profile) throw new Error(`unknown simulator profile ${options.profile}`);
  const history: SimulatedHistoryArgs = { profile: options.profile, seed: options.seed, days: options.days, studiesPerDay: options.studiesPerDay, now: options.now };
  const pacs = await startChildServer<{ url: string; studies: number }>(`${profile.code} PACS`, './servers/pacs-simulator-process.ts', history);
  let trust: ChildServer<{ url: string; mllpPort: number }> | undefined;
  let signedTwin: ChildServer<{ url: string; mllpPort: number }> | undefined;
  let pacsProxy: CountingProxy | undefined;
  let trustProxy: CountingProxy | undefined;
  const close = async () => {
    await trustProxy?.close();
    await pacsProxy?.close();
    await signedTwin?.stop();
    await trust?.stop();
    await pacs.stop();
  };
  try {
    pacsProxy = options.countRequests ? await startCountingProxy(pacs.ready.url) : undefined;
    const config = {
      code: profile.code,
      name: profile.name,
      http: { port: 0 },
      mllp: { port: 0 },
      pacs: { dicomweb: pacsProxy ? `${pacsProxy.url}/dicom-web` : pacs.ready.url },
      store: { sqlite: join(options.dir, `${profile.code}.db`) },
      hl7: trustHl7Config(profile),
      timezone: profile.timezone,
      logLevel: 'warn',
    };
    trust = await startChildServer<{ url: string; mllpPort: number }>(`${profile.code} trust`, './servers/trust-process.ts', { config });
    trustProxy = options.countRequests ? await startCountingProxy(trust.ready.url) : undefined;

    const { messages } = generateHistory(profile, history);
    const client = new MllpClient('127.0.0.1', trust.ready.mllpPort);
    const codes: string[] = [];
    try {
      for (const m of messages) codes.push(ackCode(await client.send(m.hl7)));
    } finally {
      await client.close();
    }
    if (options.signedTwinSecret) {
      const twinConfig = { ...config, gatewaySecret: options.signedTwinSecret, audit: { sqlite: join(options.dir, `${profile.code}-signed.audit.db`) } };
      signedTwin = await startChildServer<{ url: string; mllpPort: number }>(`${profile.code} trust (signed)`, './servers/trust-process.ts', { config: twinConfig });
    }
    return {
      code: profile.code,
      ...(signedTwin ? { signedTwin } : {}),
      url: trustProxy ? `${trustProxy.url}/graphql` : trust.ready.url,
      trust,
      pacs,
      ...(trustProxy ? { trustProxy } : {}),
      ...(pacsProxy ? { pacsProxy } : {}),
      seedAcks: countAckCodes(codes),
      seedMessages: messages.length,
      close,
    };
  } catch (err) {
    // A trust that could not be seeded is no use to a section: stop what started.
    await close().catch(() => undefined);
    throw err;
  }
}
