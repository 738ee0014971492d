import { describe, expect, it } from 'vitest';
import { corsOptions, fromOtherOrigin } from '../../../gateway/security/cors-options.ts';

const req = (headers: Record<string, string>) => new Request('http://127.0.0.1:4000/graphql', { headers });

describe('corsOptions', () => {
  const cors = corsOptions(['https://viewer.example.invalid']);
  it('answers a listed origin with exactly it, never with credentials', () => {
    expect(cors(req({ origin: 'https://viewer.example.invalid' }))).toMatchObject({ origin: ['https://viewer.example.invalid'], credentials: false });
  });
  it('gives nothing to an unlisted origin or a request without one', () => {
    expect(cors(req({ origin: 'https://evil.example.invalid' }))).toBe(false);
    expect(cors(req({}))).toBe(false);
  });
});

describe('fromOtherOrigin', () => {
  it('reads Sec-Fetch-Site, else compares Origin with the request host', () => {
    expect(fromOtherOrigin(req({ 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(fromOtherOrigin(req({ 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(fromOtherOrigin(req({ origin: 'http://127.0.0.1:4000' }))).toBe(false);
    expect(fromOtherOrigin(req({ origin: 'http://localhost:9999' }))).toBe(true);
    expect(fromOtherOrigin(req({}))).toBe(false);
  });
});
