import { Transform } from 'node:stream';

/**
 * A streaming text replacement for the URLs a PACS writes into its DICOM JSON answers (QIDO-RS
 * RetrieveURL (0008,1190), WADO-RS metadata BulkDataURI, PS3.18 F.2): they name the PACS's own
 * root, which must never reach a client; the pass-through replaces it with the root the client
 * used. Works on bytes across chunk boundaries: at most (longest needle − 1) bytes are held back,
 * so memory stays bounded whatever the answer's size, and back-pressure passes through
 * (a Transform).
 */
export function createRootRewriteStream(replacements: ReadonlyArray<readonly [from: string, to: string]>): Transform {
  const pairs = replacements.filter(([from]) => from.length > 0).map(([from, to]) => [Buffer.from(from, 'utf8'), Buffer.from(to, 'utf8')] as const);
  const hold = Math.max(0, ...pairs.map(([from]) => from.length - 1));
  let carry = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const out: Buffer[] = [];
      let pos = 0;
      for (;;) {
        let at = -1;
        let match: (typeof pairs)[number] | undefined;
        for (const pair of pairs) {
          const i = buf.indexOf(pair[0], pos);
          if (i !== -1 && (at === -1 || i < at)) (at = i), (match = pair);
        }
        if (!match) break;
        out.push(buf.subarray(pos, at), match[1]);
        pos = at + match[0].length;
      }
      // A needle cut by the chunk boundary can only start in the last `hold` bytes.
      const keepFrom = Math.max(pos, buf.length - hold);
      out.push(buf.subarray(pos, keepFrom));
      carry = Buffer.from(buf.subarray(keepFrom));
      done(null, Buffer.concat(out));
    },
    flush(done) {
      done(null, carry);
    },
  });
}

/** Whether an answer of this content type carries URLs to rewrite (DICOM JSON / XML, PS3.18 8.7.3). */
export function carriesUrls(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.toLowerCase();
  if (type.startsWith('multipart/')) return /type="?application\/dicom\+xml/.test(type);
  return /^application\/(dicom\+json|json|dicom\+xml|xml)\b/.test(type);
}
