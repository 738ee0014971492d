/**
 * QIDO-RS `Warning` headers (RFC 7234 §5.5 code 299, used by PS3.18 10.6.3.2 / 8.3.4.4):
 * a server that returns fewer matches than exist says so with
 * `Warning: 299 {service}: "There are {N} additional results that match the query."`.
 * Other 299 texts (e.g. "The fuzzymatching parameter is not supported") are informative only.
 */

/** The warn-texts of every 299 warning in a header value (several may be comma-joined). */
export function warningTexts(header: string | null): string[] {
  if (!header) return [];
  const texts: string[] = [];
  const re = /299\s+[^"]*"((?:[^"\\]|\\.)*)"/g;
  for (const [, text = ''] of header.matchAll(re)) texts.push(text);
  // Servers that omit the quotes: take the rest of the value as the text.
  if (texts.length === 0 && /^\s*299\b/.test(header)) texts.push(header.replace(/^\s*299\s*/, ''));
  return texts;
}

/** True when a warning says further results exist beyond this response. */
export function warnsOfMoreResults(header: string | null): boolean {
  return warningTexts(header).some((t) => /\badditional results?\b/i.test(t) && !/\bthere are 0 additional\b/i.test(t));
}
