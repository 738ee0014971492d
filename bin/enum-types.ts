import { Kind, parse, type EnumTypeDefinitionNode, type EnumTypeExtensionNode } from 'graphql';

/**
 * The TypeScript twin of every enum in the network SDL (`schema/network.graphql`), rendered from
 * the SDL itself so the value lists live in one place: for an enum `Priority`, a readonly tuple
 * `PRIORITY_VALUES` (for zod's `z.enum`, sets and loops) and the union type `PriorityValue`.
 * Enum extensions are folded into their enum. `npm run codegen:enums` writes the result to
 * `schema/generated/enums.ts`; test/bin/enum-types.test.ts fails when the committed file drifts.
 */
export function renderEnumTypes(sdl: string): string {
  const enums = new Map<string, { description: string | undefined; values: string[] }>();
  for (const def of parse(sdl).definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION && def.kind !== Kind.ENUM_TYPE_EXTENSION) continue;
    const node = def as EnumTypeDefinitionNode | EnumTypeExtensionNode;
    const entry = enums.get(node.name.value) ?? { description: undefined, values: [] };
    if (node.kind === Kind.ENUM_TYPE_DEFINITION && node.description) entry.description = node.description.value;
    for (const v of node.values ?? []) entry.values.push(v.name.value);
    enums.set(node.name.value, entry);
  }
  const lines = [
    '// Generated from schema/network.graphql by `npm run codegen:enums` (bin/enum-types.ts). Do not edit:',
    '// change the SDL and run the command again (test/bin/enum-types.test.ts fails on drift).',
  ];
  for (const [name, { description, values }] of enums) {
    const constant = `${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_VALUES`;
    lines.push('');
    if (description) lines.push(`/** ${description.replace(/\s*\n\s*/g, ' ').replace(/\*\//g, '*\\/')} */`);
    lines.push(`export const ${constant} = [${values.map((v) => `'${v}'`).join(', ')}] as const;`);
    lines.push(`export type ${name}Value = (typeof ${constant})[number];`);
  }
  return `${lines.join('\n')}\n`;
}
