import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderReadmeConfig } from '../../bin/config-reference.ts';

describe('README configuration reference', () => {
  it('is generated from the config schemas and up to date (npm run docs:config rewrites it)', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rendered = await renderReadmeConfig(readme);
    expect(rendered).toBe(readme);
    for (const key of ['`code`', '`http.port`', '`mllp.port`', '`pacs.dicomweb`', '`store.sqlite`', '`trusts[].url`', '`trustTimeoutMs`', '`auth.jwt.secret`', '`gatewaySecret`']) {
      expect(readme).toContain(key);
    }
  });
});
