import type { z } from 'zod';

/**
 * A config problem, for the gateway's and every trust's config alike: the message names each bad
 * key, e.g. `trusts[1].url: must be an http(s) URL`, one per line. `imaging-network` prints it and
 * stops (ARCHITECTURE.md: a bad config stops the process with a message that names the key).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `a.b[2].c`: a zod issue path as the key is written in the JSON file. */
function keyOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

/** `key: problem` lines, one per issue; unknown keys are named one per line (a typo is never silent). */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${keyOf([...issue.path, k])}: unknown key`).join('\n');
      return `${issue.path.length ? keyOf(issue.path) : '(config)'}: ${issue.message}`;
    })
    .join('\n');
}

/** Validates `json` against `schema` and fills defaults; throws ConfigError naming every bad key of the `what` config. */
export function parseConfig<S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> {
  const result = schema.safeParse(json);
  if (!result.success) throw new ConfigError(`invalid ${what} config:\n${formatConfigIssues(result.error.issues)}`);
  return result.data;
}
