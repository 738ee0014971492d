import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { carriesUrls, createRootRewriteStream } from '../../../../subgraphs/trust/pacs/root-rewrite-stream.ts';

async function run(chunks: string[], pairs: Array<[string, string]>): Promise<string> {
  const out: Buffer[] = [];
  const stream = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(createRootRewriteStream(pairs));
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out).toString();
}

describe('createRootRewriteStream', () => {
  it('replaces the PACS root wherever the chunk boundaries fall', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('x', '"', 'http://pacs:8042/dicom-web', 'http://pacs:8042', '/studies/1.2'), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), async (pieces, cuts) => {
        const text = pieces.join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let at = 0;
        for (const p of points) (chunks.push(text.slice(at, p)), (at = p));
        chunks.push(text.slice(at));
        const expected = text.split('http://pacs:8042/dicom-web').join('https://gw/dicom-web/RXA');
        expect(await run(chunks.filter((c) => c.length > 0), [['http://pacs:8042/dicom-web', 'https://gw/dicom-web/RXA']])).toBe(expected);
      }),
    );
  });

  it('replaces several roots, earliest first', async () => {
    expect(await run(['a http://b/dw and http://a/dw z'], [['http://a/dw', 'G'], ['http://b/dw', 'G']])).toBe('a G and G z');
  });

  it('knows which answers carry URLs (DICOM JSON / XML) and which do not (pixels, Part 10)', () => {
    expect(carriesUrls('application/dicom+json')).toBe(true);
    expect(carriesUrls('application/json; charset=utf-8')).toBe(true);
    expect(carriesUrls('multipart/related; type="application/dicom+xml"; boundary=x')).toBe(true);
    expect(carriesUrls('multipart/related; type="application/dicom"; boundary=x')).toBe(false);
    expect(carriesUrls('image/png')).toBe(false);
    expect(carriesUrls(undefined)).toBe(false);
  });
});
