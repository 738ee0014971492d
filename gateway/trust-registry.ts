import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { GatewayConfig } from './config.ts';
import { checkTrustSdl } from './contract-check.ts';
import { TrustClient, type TrustCallObserver } from './trust-client.ts';
import { TrustFailure } from './trust-failure.ts';

/** How the gateway sees a trust (the `TrustStatus` enum of the gateway schema). */
export type TrustStatus = 'UP' | 'DOWN' | 'INCOMPATIBLE';

export interface TrustEntry {
  code: string;
  client: TrustClient;
  /** Result of the last contract check. */
  checked: TrustStatus;
  /** From config, else from the trust's own `trusts` answer, else the code. */
  name: string;
  lastError: string | null;
}

/** How many contract problems `lastError` lists; the rest go to the log. */
const PROBLEMS_SHOWN = 3;

const CHECK_QUERY = '{ _service { sdl } trusts { code name } }';

/**
 * Every configured trust with its client, breaker and status. At start and every
 * `contractCheckIntervalMs` it asks each trust for its SDL (`_service { sdl }`, Federation 2
 * subgraph spec) and checks it against the network contract: a trust that does not implement it is
 * INCOMPATIBLE and left out of fan-out; one that does not answer is DOWN.
 */
export class TrustRegistry {
  private readonly entries = new Map<string, TrustEntry>();
  private readonly configNames = new Map<string, string | undefined>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: GatewayConfig,
    private readonly contract: GraphQLSchema,
    private readonly log: Logger,
    observe?: TrustCallObserver,
  ) {
    for (const t of config.trusts) {
      const breaker = new CircuitBreaker(config.circuit);
      const secret = t.gatewaySecret ?? config.gatewaySecret;
      const client = new TrustClient({ code: t.code, url: t.url, timeoutMs: config.trustTimeoutMs, breaker, observe, dedupeInFlight: config.trustCalls.dedupeInFlight, ...(secret ? { secret } : {}) });
      this.configNames.set(t.code, t.name);
      this.entries.set(t.code, { code: t.code, client, checked: 'DOWN', name: t.name ?? t.code, lastError: 'not checked yet' });
    }
  }

  /** Trusts in config order (the order the gateway reports and breaks ties by). */
  all(): TrustEntry[] {
    return [...this.entries.values()];
  }

  get(code: string): TrustEntry | undefined {
    return this.entries.get(code);
  }

  /** DOWN also when the circuit is open: the gateway is not calling the trust right now. */
  status(entry: TrustEntry): TrustStatus {
    return entry.checked === 'UP' && entry.client.breaker.state === 'open' ? 'DOWN' : entry.checked;
  }

  /** Records a runtime failure for `Trust.lastError` (the reason is client-safe). */
  noteFailure(failure: TrustFailure): void {
    const entry = this.entries.get(failure.trust);
    if (entry) entry.lastError = failure.reason;
  }

  /** Checks every trust now (in parallel), then every `contractCheckIntervalMs`. */
  async start(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.config.contractCheckIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  checkAll(): Promise<void> {
    return Promise.all(this.all().map((e) => this.check(e))).then(() => undefined);
  }

  private async check(entry: TrustEntry): Promise<void> {
    const before = entry.checked;
    const previousError = entry.lastError;
    try {
      const res = await entry.client.request(CHECK_QUERY, {}, { bypassBreaker: true });
      const service = res.data?._service as { sdl?: unknown } | undefined;
      if (typeof service?.sdl !== 'string') throw new TrustFailure(entry.code, 'graphql-errors', 'no _service.sdl');
      const problems = checkTrustSdl(this.contract, service.sdl);
      this.adoptName(entry, res.data?.trusts);
      if (problems.length > 0) {
        entry.checked = 'INCOMPATIBLE';
        entry.lastError = `incompatible schema: ${problems.slice(0, PROBLEMS_SHOWN).join('; ')}${problems.length > PROBLEMS_SHOWN ? ` (+${problems.length - PROBLEMS_SHOWN} more)` : ''}`;
        if (before !== 'INCOMPATIBLE') this.log.warn({ trust: entry.code, problems }, 'trust schema does not implement the network contract');
      } else {
        entry.checked = 'UP';
        entry.lastError = null;
        if (before !== 'UP') this.log.info({ trust: entry.code }, 'trust is up');
      }
    } catch (err) {
      const failure = err instanceof TrustFailure ? err : new TrustFailure(entry.code, 'network', undefined, { cause: err });
      entry.checked = 'DOWN';
      entry.lastError = failure.reason;
      if (before !== 'DOWN' || previousError !== failure.reason) {
        this.log.warn({ trust: entry.code, kind: failure.kind, cause: String(failure.cause ?? '') }, 'trust contract check failed');
      }
    }
  }

  private adoptName(entry: TrustEntry, trusts: unknown): void {
    if (this.configNames.get(entry.code) !== undefined || !Array.isArray(trusts)) return;
    const own = trusts.find((t: unknown) => (t as { code?: unknown } | null)?.code === entry.code) as { name?: unknown } | undefined;
    if (typeof own?.name === 'string' && own.name !== '') entry.name = own.name;
  }
}
