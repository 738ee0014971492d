import { describe, expect, it } from 'vitest';
import { parse, print } from 'graphql';
import { networkSdl } from '../../schema/index.ts';
import { withoutRequiresScopes } from '../../bench/supergraph.ts';

describe('withoutRequiresScopes', () => {
  it('drops every @requiresScopes and its @link import, nothing else', () => {
    const before = print(parse(networkSdl));
    expect(before).toContain('@requiresScopes');
    const after = print(withoutRequiresScopes(parse(networkSdl)));
    expect(after).not.toContain('requiresScopes');
    expect(after).toContain('import: ["@key", "@shareable"]');
    expect(after).toContain('studies(filter: StudyFilter, first: Int = 20, after: String): StudyConnection!');
    expect(after.length).toBeLessThan(before.length);
  });
});
