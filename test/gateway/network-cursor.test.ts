import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeNetworkCursor, encodeNetworkCursor } from '../../gateway/network-cursor.ts';

function rejection(cursor: string): GraphQLError {
  try {
    decodeNetworkCursor(cursor);
  } catch (err) {
    return err as GraphQLError;
  }
  throw new Error(`accepted ${cursor}`);
}

describe('network cursor', () => {
  it('round-trips positions, including none', () => {
    const positions = { RXA: 'fx:abc', RH8: 'opaque/cursor+=' };
    expect(decodeNetworkCursor(encodeNetworkCursor(positions))).toEqual(positions);
    expect(decodeNetworkCursor(encodeNetworkCursor({}))).toEqual({});
  });

  it.each([
    ['empty', ''],
    ['malformed', 'N1.!!!'],
    ['foreign (a trust cursor)', 'fx:eyJzb3J0QXQiOm51bGx9'],
    ['not JSON', `N1.${Buffer.from('{nope').toString('base64url')}`],
    ['wrong version', `N1.${Buffer.from(JSON.stringify({ v: 2, p: {}, c: 'x' })).toString('base64url')}`],
    ['bad trust code', `N1.${Buffer.from(JSON.stringify({ v: 1, p: { nottrust: 'x' }, c: 'x' })).toString('base64url')}`],
  ])('refuses a %s cursor as BAD_USER_INPUT naming after', (_label, cursor) => {
    const err = rejection(cursor);
    expect(err.extensions.code).toBe('BAD_USER_INPUT');
    expect(err.extensions.argument).toBe('after');
  });

  it('refuses a tampered cursor (position edited, checksum kept)', () => {
    const good = encodeNetworkCursor({ RXA: 'fx:one' });
    const body = JSON.parse(Buffer.from(good.slice(3), 'base64url').toString('utf8'));
    body.p.RXA = 'fx:two';
    const tampered = `N1.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
    expect(rejection(tampered).message).toMatch(/checksum/);
  });

  it('names the argument it was given', () => {
    expect(() => decodeNetworkCursor('junk', 'studies.after')).toThrow(/studies\.after/);
  });
});
