import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildASTSchema, GraphQLEnumType, isEnumType, parse } from 'graphql';
import { renderEnumTypes } from '../../bin/enum-types.ts';
import * as generated from '../../schema/generated/enums.ts';

const sdl = readFileSync(new URL('../../schema/network.graphql', import.meta.url), 'utf8');

describe('generated enum types (schema/generated/enums.ts)', () => {
  it('is generated from the network SDL and up to date (npm run codegen:enums rewrites it)', () => {
    const committed = readFileSync(new URL('../../schema/generated/enums.ts', import.meta.url), 'utf8');
    expect(renderEnumTypes(sdl)).toBe(committed);
  });

  it('holds every enum of the SDL with exactly its values, as graphql-js builds the schema', () => {
    // The independent reading: graphql-js's own schema builder (federation directives left unchecked).
    const schema = buildASTSchema(parse(sdl), { assumeValid: true, assumeValidSDL: true });
    const enums = Object.values(schema.getTypeMap()).filter((t): t is GraphQLEnumType => isEnumType(t) && !t.name.startsWith('__'));
    expect(enums.map((e) => e.name)).toContain('Priority');
    for (const e of enums) {
      const constant = `${e.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_VALUES`;
      expect((generated as Record<string, unknown>)[constant], constant).toEqual(e.getValues().map((v) => v.name));
    }
    expect(Object.keys(generated)).toHaveLength(enums.length);
  });
});
