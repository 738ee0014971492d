import { z } from 'zod';

/**
 * The configuration reference in the README is generated from the zod schemas that validate the
 * configs, so the docs cannot drift from the code (a test checks the README is current;
 * `npm run docs:config` rewrites it).
 */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  pattern?: string;
  format?: string;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  const alts = s.oneOf ?? s.anyOf;
  if (alts) return alts.map(typeOf).join(' \\| ');
  if (s.type === 'array' && s.items) return `${typeOf(s.items)}[]`;
  if (s.format === 'uri') return 'URL';
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
}

function rows(schema: JsonSchema, prefix: string, out: string[]): void {
  const required = new Set(schema.required ?? []);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const description = (prop.description ?? '').replace(/\s*@default .*$/, '').replace(/\|/g, '\\|');
    const def = prop.default !== undefined ? `\`${JSON.stringify(prop.default)}\`` : '';
    const isObject = prop.type === 'object' && prop.properties;
    out.push(`| \`${path}\` | ${isObject ? 'object' : typeOf(prop)} | ${required.has(key) ? 'yes' : ''} | ${def} | ${description} |`);
    if (isObject) rows(prop, path, out);
    if (prop.type === 'array' && prop.items?.properties) rows(prop.items, `${path}[]`, out);
  }
}

/** A Markdown table of every key of a config schema. */
export function configReference(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out = ['| key | type | required | default | description |', '|---|---|---|---|---|'];
  rows(json, '', out);
  return out.join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README has no ${name} section`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}

export async function renderReadmeConfig(readme: string): Promise<string> {
  const { trustConfigSchema } = await import('../subgraphs/trust/config.ts');
  const { gatewayConfigSchema } = await import('../gateway/config.ts');
  let text = replaceSection(readme, 'trust-config-reference', configReference(trustConfigSchema));
  text = replaceSection(text, 'gateway-config-reference', configReference(gatewayConfigSchema));
  return text;
}
