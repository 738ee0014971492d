/**
 * The bodies of a multipart/related answer (RFC 2046 §5.1.1, as WADO-RS sends them, PS3.18 8.7.3):
 * written for tests from the RFC, independent of the code under test.
 */
export function multipartParts(body: Buffer, contentType: string): Buffer[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${m[1]}`, 'latin1');
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break; // close delimiter
    const headersEnd = body.indexOf('\r\n\r\n', start);
    if (headersEnd === -1) throw new Error('part without a header end');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), headersEnd + 4);
    if (next === -1) throw new Error('part without a closing delimiter');
    parts.push(body.subarray(headersEnd + 4, next));
    at = next + 2;
  }
  return parts;
}
