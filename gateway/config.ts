import { z } from 'zod';
import { assertJwksUrlSafe } from './security/jwt-verifier.ts';
import { TRUST_CODE_PATTERN } from '../schema/index.ts';
import { parseConfig } from '../platform/config-error.ts';

export { ConfigError } from '../platform/config-error.ts';

/**
 * The gateway's configuration (JSON, validated at start). Minimal config (ARCHITECTURE.md):
 * `{"http":{"port":4000},"trusts":[{"code":"RXA","url":"http://127.0.0.1:4101/graphql"}]}`.
 * Unknown keys are refused so a typo never silently falls back to a default; `auth`, `limits`,
 * `capacity` is reserved and accepted as it is.
 */
const required = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});
const int = (what: string) => z.number(required(what)).int(`must be ${what}`);

const trustSchema = z.strictObject({
  code: z
    .string(required('an ODS trust code'))
    .regex(TRUST_CODE_PATTERN, 'must be an ODS trust code: 3 characters starting with R, e.g. RH8')
    .describe('ODS trust code, e.g. `RH8`; unique.'),
  url: z
    .url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'is required' : 'must be an http(s) URL') })
    .describe('The trust subgraph\'s GraphQL endpoint, e.g. `http://127.0.0.1:4101/graphql`.'),
  name: z.string().min(1, 'must not be empty').optional().describe('Display name. @default the trust\'s own `trusts` answer'),
  gatewaySecret: z.string().min(16, 'must be at least 16 characters').optional().describe('HMAC secret shared with this trust. @default gatewaySecret'),
});

export const gatewayConfigSchema = z
  .strictObject({
    http: z
      .strictObject({
        port: int('an integer port').min(0, 'must be from 0 to 65535').max(65535, 'must be from 0 to 65535').describe('GraphQL (`/graphql`), health and metrics port; 0 picks a free one.'),
        host: z.string().min(1).default('127.0.0.1').describe('Address to bind. @default 127.0.0.1'),
      }, required('an object'))
      .describe('The gateway\'s HTTP server.'),
    trusts: z
      .array(trustSchema, required('an array of trusts'))
      .min(1, 'must list at least one trust')
      .superRefine((trusts, ctx) => {
        const seen = new Set<string>();
        trusts.forEach((t, i) => {
          if (seen.has(t.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `duplicate trust code ${t.code}` });
          seen.add(t.code);
        });
      })
      .describe('The trusts of the network, in precedence order (patient demographics come from the first that has them).'),
    trustTimeoutMs: int('a positive integer').positive('must be a positive integer').default(2000).describe('Deadline of each call to a trust, in ms. @default 2000'),
    maxPageSize: int('a positive integer').positive('must be a positive integer').default(200).describe('Largest `first` a client may ask for. @default 200'),
    contractCheckIntervalMs: int('a positive integer')
      .positive('must be a positive integer')
      .default(30_000)
      .describe('How often each trust\'s schema is checked against the network contract, in ms. @default 30000'),
    trustCalls: z
      .strictObject({
        dedupeInFlight: z
          .boolean()
          .default(true)
          .describe('A query identical to one already in flight to the same trust, for the same caller (same body, same signed identity), waits for that call\'s answer instead of sending another; never across callers, never for mutations. @default true'),
      })
      .prefault({})
      .describe('Calls from the gateway to trusts.'),
    circuit: z
      .strictObject({
        failureThreshold: int('a positive integer').positive('must be a positive integer').default(5).describe('Consecutive failures that open a trust\'s circuit. @default 5'),
        coolDownMs: int('a positive integer').positive('must be a positive integer').default(10_000).describe('How long an open circuit skips the trust before one trial call, in ms. @default 10000'),
      })
      .prefault({})
      .describe('Per-trust circuit breaker.'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level. @default info'),
    ide: z
      .boolean()
      .default(false)
      .describe('Serve the GraphiQL IDE (assets bundled, no CDN) to browsers on `GET /graphql`; `imaging-network demo` turns it on. @default false'),
    cors: z
      .strictObject({
        origins: z
          .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin: scheme://host[:port], no path'))
          .default([])
          .describe('Browser origins allowed to call the gateway (CORS); others get no CORS headers. Never reflected, never with credentials (tokens travel in `Authorization`). @default none'),
      })
      .prefault({})
      .describe('Cross-origin requests from browsers.'),
    auth: z
      .strictObject({
        jwt: z
          .strictObject({
            jwksUrl: z.url({ protocol: /^https?$/ }).optional().describe('JWK Set URL (RS256/ES256; keys cached and rotated). Production.'),
            secret: z.string().min(32, 'must be at least 32 characters').optional().describe('HS256 shared secret, for development.'),
            issuer: z.string().min(1).describe('Required `iss` of tokens.'),
            audience: z.string().min(1).describe('Required `aud` of tokens.'),
            clockToleranceSec: int('a non-negative integer').min(0).default(30).describe('Clock skew allowed on exp/nbf, seconds. @default 30'),
            maxTokenAgeSeconds: int('a positive integer').positive().default(43_200).describe('Longest token lifetime accepted (`exp` − `iat`), seconds. @default 43200 (12 h)'),
          }, required('an object'))
          .refine((j) => (j.jwksUrl === undefined) !== (j.secret === undefined), { message: 'set exactly one of jwksUrl or secret' })
          .refine((j) => j.jwksUrl === undefined || jwksUrlAllowed(j.jwksUrl), { message: 'jwksUrl must be https (http only for a loopback host)', path: ['jwksUrl'] })
          .describe('Bearer JWT verification (jose). Roles from the `roles` claim; the caller\'s trust from `trust`.'),
      })
      .optional()
      .describe('Authentication. Without it the gateway serves loopback only and every caller has every role.'),
    limits: z
      .strictObject({
        maxDepth: int('a positive integer').positive().default(12).describe('Deepest selection. @default 12'),
        maxAliases: int('a positive integer').positive().default(30).describe('Most aliases in one operation. @default 30'),
        maxCost: int('a positive integer').positive().default(20_000).describe('Largest estimated rows (fan-out width × page sizes). @default 20000'),
        maxBatch: int('a positive integer').positive().default(5).describe('Most operations in one batched request. @default 5'),
        maxBodyBytes: int('a positive integer').positive().default(1_048_576).describe('Largest request body, bytes. @default 1048576'),
        maxResponseBytes: int('a positive integer').positive().default(8_388_608).describe('Largest response body, bytes; a larger result is replaced by a QUERY_TOO_COMPLEX error. @default 8388608'),
      })
      .prefault({})
      .describe('Query limits, refused with QUERY_TOO_COMPLEX (HTTP 413 for the body size).'),
    introspection: z.boolean().default(false).describe('Allow schema introspection (the IDE needs it); `imaging-network demo` turns it on. @default false'),
    audit: z
      .strictObject({
        sqlite: z.string().min(1).default('./data/gateway-audit.db').describe('Audit log database. @default ./data/gateway-audit.db'),
      })
      .prefault({})
      .describe('Durable, append-only log of every access to patient data.'),
    gatewaySecret: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('HMAC secret for signing calls to trusts (each trust config has the same `gatewaySecret`); `trusts[].gatewaySecret` overrides it per trust.'),
    dicomweb: z
      .strictObject({
        viewerTokenSecret: z
          .string()
          .min(32, 'must be at least 32 characters')
          .optional()
          .describe('HMAC key of viewer tokens (`Study.viewerUrl`, `Study.dicomweb`). Without it a random key is made at start: tokens die with the process, and replicas cannot share them.'),
        viewerTokenTtlSec: int('a positive integer').positive('must be a positive integer').max(3600, 'must be at most 3600 (viewer tokens are short-lived)').default(600).describe('Lifetime of a viewer token, seconds. @default 600'),
        timeoutMs: int('a positive integer').positive('must be a positive integer').default(30_000).describe('Idle deadline of a trust\'s DICOMweb answer (no byte for this long: 504, or the answer is cut), ms. @default 30000'),
      })
      .prefault({})
      .describe('Images: `/dicom-web/{trust}/…` (QIDO-RS, WADO-RS through each trust) and the `/viewer`.'),
    capacity: z.unknown().optional().describe('Reserved.'),
  }, required('an object'));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type TrustConfig = GatewayConfig['trusts'][number];

/** Validates a parsed JSON config and fills defaults; throws ConfigError naming every bad key. */
export function parseGatewayConfig(json: unknown): GatewayConfig {
  return parseConfig(gatewayConfigSchema, json, 'gateway');
}

/** `auth.jwt.jwksUrl`: https, or http to this machine only (tests, a local identity provider). */
function jwksUrlAllowed(url: string): boolean {
  try {
    assertJwksUrlSafe(url);
    return true;
  } catch {
    return false;
  }
}
