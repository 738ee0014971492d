/**
 * A per-trust circuit breaker. After `failureThreshold` consecutive failures the circuit opens:
 * calls are refused at once (the trust is reported TRUST_UNAVAILABLE without waiting for its
 * deadline) for `coolDownMs`. Then it is half-open: ONE trial call goes through; its success
 * closes the circuit, its failure opens it for another cool-down. Calls arriving while the trial
 * is in flight are refused, so a recovering trust is not hit by the whole backlog at once.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** @default 5 */
  failureThreshold: number;
  /** @default 10000 */
  coolDownMs: number;
  /** Clock, injectable for tests. @default Date.now */
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.coolDownMs ? 'half-open' : 'open';
  }

  /** True when a call may go out now; a true answer in half-open state claims the one trial. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  /**
   * A call that says nothing about the trust's health (the request itself was refused as bad):
   * counts neither way, and gives back a half-open trial it held.
   */
  release(): void {
    this.trialInFlight = false;
  }

  failure(): void {
    this.failures += 1;
    if (this.trialInFlight || this.failures >= this.options.failureThreshold) this.openedAt = this.now();
    this.trialInFlight = false;
  }
}
