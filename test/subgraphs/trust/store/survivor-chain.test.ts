import { describe, expect, it } from 'vitest';
import { followSurvivorChain } from '../../../../subgraphs/trust/store/survivor-chain.ts';

const chain = (links: Record<number, number>) => (id: number): number | null => links[id] ?? null;

describe('followSurvivorChain', () => {
  it('returns the patient itself when never merged', () => {
    expect(followSurvivorChain(1, chain({}))).toBe(1);
  });
  it('follows merges to the end', () => {
    expect(followSurvivorChain(1, chain({ 1: 2, 2: 3 }))).toBe(3);
  });
  it('stops on a cycle', () => {
    expect(followSurvivorChain(1, chain({ 1: 2, 2: 1 }))).toBe(2);
    expect(followSurvivorChain(1, chain({ 1: 1 }))).toBe(1);
  });
});
