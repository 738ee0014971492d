import { describe, expect, it } from 'vitest';
import { InFlightCalls } from '../../gateway/in-flight-calls.ts';
import { isQueryDocument } from '../../gateway/trust-client.ts';

describe('InFlightCalls', () => {
  it('hands a second caller with the same key the running call, and forgets it once settled', async () => {
    const calls = new InFlightCalls<string>();
    let started = 0;
    let finish!: (v: string) => void;
    const start = () => {
      started++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = calls.run('k', start);
    const second = calls.run('k', start);
    const other = calls.run('other', () => Promise.resolve('x'));
    expect([first.leader, second.leader, other.leader]).toEqual([true, false, true]);
    expect(started).toBe(1);
    expect(second.promise).toBe(first.promise);
    finish('answer');
    expect(await second.promise).toBe('answer');
    await Promise.resolve();
    expect(calls.size).toBe(0);
    expect(calls.run('k', () => Promise.resolve('fresh')).leader).toBe(true);
  });

  it('shares a failure with the callers that joined, then forgets it', async () => {
    const calls = new InFlightCalls<string>();
    const failed = calls.run('k', () => Promise.reject(new Error('trust down')));
    const joined = calls.run('k', () => Promise.resolve('never'));
    await expect(joined.promise).rejects.toThrow('trust down');
    await expect(failed.promise).rejects.toThrow('trust down');
    expect(calls.size).toBe(0);
  });
});

describe('isQueryDocument', () => {
  it('accepts queries only (GraphQL spec §2.3: shorthand or `query`)', () => {
    expect(isQueryDocument('{ studies { edges { cursor } } }')).toBe(true);
    expect(isQueryDocument('query ($first: Int) { studies(first: $first) { edges { cursor } } }')).toBe(true);
    expect(isQueryDocument('  query Named { trusts { code } }')).toBe(true);
    expect(isQueryDocument('mutation { claimStudy(id: "x") { claimedAt } }')).toBe(false);
    expect(isQueryDocument('subscription { worklistChanged { kind } }')).toBe(false);
    expect(isQueryDocument('queryX { a }')).toBe(false);
    expect(isQueryDocument('fragment F on Study { id } query { studies { ...F } }')).toBe(false);
  });
});
