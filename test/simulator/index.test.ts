import { describe, expect, it } from 'vitest';
import * as sim from '../../simulator/index.ts';

describe('simulator entry point', () => {
  it('exports the public API the demo and bin/ use', () => {
    for (const name of ['generateHistory', 'createLiveFeed', 'startDicomwebSimulator', 'runSimulate', 'builtInProfile']) {
      expect(typeof (sim as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(sim.BUILT_IN_PROFILES.map((p) => p.dialect.version)).toEqual(['2.3', '2.4', '2.5.1']);
  });
});
