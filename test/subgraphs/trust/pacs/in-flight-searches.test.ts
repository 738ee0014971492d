import { describe, expect, it } from 'vitest';
import { coalesceSearches } from '../../../../subgraphs/trust/pacs/in-flight-searches.ts';
import type { PacsStudy } from '../../../../subgraphs/trust/pacs/study-mapping.ts';

describe('coalesceSearches', () => {
  it('shares one search among identical ones in flight, and asks again afterwards', async () => {
    let calls = 0;
    const releases: Array<(v: PacsStudy[]) => void> = [];
    const search = coalesceSearches(() => {
      calls++;
      return new Promise<PacsStudy[]>((r) => releases.push(r));
    });
    const a = search({ accessionNumber: 'A', modalities: ['CT'] });
    const b = search({ modalities: ['CT'], accessionNumber: 'A' });
    const c = search({ accessionNumber: 'B' });
    expect(calls).toBe(2);
    for (const release of releases) release([]);
    await Promise.all([a, b, c]);
    expect(await a).toBe(await b);
    search({ accessionNumber: 'A', modalities: ['CT'] });
    expect(calls).toBe(3);
  });

  it('shares a failure too, then forgets it', async () => {
    let calls = 0;
    const search = coalesceSearches(async () => {
      calls++;
      throw new Error('PACS down');
    });
    const results = await Promise.allSettled([search({}), search({})]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    await expect(search({})).rejects.toThrow('PACS down');
    expect(calls).toBe(2);
  });
});
