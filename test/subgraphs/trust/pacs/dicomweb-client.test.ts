/**
 * DicomWebClient against a scripted loopback HTTP server: the protocol edge cases a real Orthanc
 * will not produce on demand (204, 299 warnings, repeated rows, 4xx/5xx, hangs, garbage).
 * The real-server tests are in test/integration/pacs-orthanc.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DicomWebClient, PacsUnavailableError } from '../../../../subgraphs/trust/pacs/dicomweb-client.ts';
import { freePort } from '../../../helpers/orthanc.ts';

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer. */
  hang?: boolean;
}

let server: Server;
let root: string;
let handler: (req: IncomingMessage, n: number) => Reply;
let seen: { url: string; authorization: string | undefined }[];

const study = (uid: string, extra: Record<string, unknown> = {}) => ({ '0020000D': { vr: 'UI', Value: [uid] }, ...extra });
const series = (studyUid: string, uid: string) => ({ '0020000D': { vr: 'UI', Value: [studyUid] }, '0020000E': { vr: 'UI', Value: [uid] }, '00080060': { vr: 'CS', Value: ['CT'] } });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as PacsUnavailableError);

beforeAll(async () => {
  server = createServer({ maxHeaderSize: 65_536 }, (req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const reply = handler(req, seen.length);
    if (reply.hang) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/dicom+json', ...reply.headers });
    res.end(reply.body === undefined ? undefined : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen = [];
  handler = () => ({ body: [] });
});

describe('DicomWebClient: answers', () => {
  it('treats 204 No Content and an empty 200 as no matches', async () => {
    handler = () => ({ status: 204 });
    const client = new DicomWebClient({ baseUrl: root });
    expect(await client.searchStudies({})).toEqual([]);
    handler = () => ({ body: '' });
    expect(await client.searchSeries(['2.25.1'])).toEqual([]);
    expect(client.requestCount).toBe(2);
  });

  it('pages on with offset when a 299 warning says more results exist, de-duplicating by UID', async () => {
    handler = (_req, n) => n === 1
      ? { headers: { warning: '299 pacs: "There are 2 additional results that match the query."' }, body: [study('2.25.1'), study('2.25.2')] }
      : { body: [study('2.25.2'), study('2.25.3')] };
    const client = new DicomWebClient({ baseUrl: root });
    const studies = await client.searchStudies({ patientId: '9990000018' });
    expect(studies.map((s) => s.studyInstanceUid)).toEqual(['2.25.1', '2.25.2', '2.25.3']);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.url).toMatch(/[?&]limit=1000(&|$)/);
    expect(seen[0]!.url).not.toContain('offset=');
    expect(seen[1]!.url).toContain('offset=2');
  });

  it('stops paging when a server ignores offset and repeats the same page', async () => {
    handler = () => ({ body: [study('2.25.1'), study('2.25.2')] });
    const client = new DicomWebClient({ baseUrl: root, pageSize: 2 });
    expect(await client.searchStudies({})).toHaveLength(2);
    expect(client.requestCount).toBe(2);
  });

  it('keeps only exact accession matches when wildcards had to be sent', async () => {
    handler = () => ({ body: [study('2.25.1', { '00080050': { vr: 'SH', Value: ['A B'] } }), study('2.25.2', { '00080050': { vr: 'SH', Value: ['AxB'] } })] });
    const client = new DicomWebClient({ baseUrl: root });
    expect((await client.searchStudies({ accessionNumber: 'A B' })).map((s) => s.studyInstanceUid)).toEqual(['2.25.1']);
    expect(seen[0]!.url).toContain('AccessionNumber=A?B&');
  });

  it('merges one-request-per-modality searches without duplicates', async () => {
    handler = (req) => ({ body: req.url!.includes('ModalitiesInStudy=CT') ? [study('2.25.1'), study('2.25.2')] : [study('2.25.2'), study('2.25.3')] });
    const client = new DicomWebClient({ baseUrl: root, modalityMatching: 'separate' });
    expect((await client.searchStudies({ modalities: ['CT', 'MR'] })).map((s) => s.studyInstanceUid).sort()).toEqual(['2.25.1', '2.25.2', '2.25.3']);
    expect(client.requestCount).toBe(2);
  });

  it('refuses an unknown time zone at construction, and bad arguments before any request', async () => {
    expect(() => new DicomWebClient({ baseUrl: root, timezone: 'Europe/Londinium' })).toThrow(TypeError);
    expect(() => new DicomWebClient({ baseUrl: 'not a url' })).toThrow(TypeError);
    const client = new DicomWebClient({ baseUrl: root });
    await expect(client.searchStudies({ dateFrom: '29/03/2026' })).rejects.toBeInstanceOf(RangeError);
    expect(client.requestCount).toBe(0);
  });

  it('makes no request for UIDs that cannot exist', async () => {
    const client = new DicomWebClient({ baseUrl: root });
    expect(await client.searchSeries(['not-a-uid', ''])).toEqual([]);
    expect(await client.searchStudies({ studyInstanceUids: ['x.y'] })).toEqual([]);
    expect(client.requestCount).toBe(0);
  });

  it('splits a UID list only when the URL would pass maxUrlLength', async () => {
    const uids = Array.from({ length: 300 }, (_, i) => `2.25.9${'0'.repeat(54)}${String(i).padStart(3, '0')}`);
    handler = (req) => {
      const list = /StudyInstanceUID=([^&]*)/.exec(req.url!)![1]!.split(',');
      return { body: list.map((u) => series(u, `${u}.1`)) };
    };
    const client = new DicomWebClient({ baseUrl: root });
    const result = await client.searchSeries(uids);
    expect(result.map((s) => s.studyInstanceUid).sort()).toEqual([...uids].sort());
    expect(client.requestCount).toBeGreaterThan(1);
    expect(seen.every((s) => `${root.replace('/dicom-web', '')}${s.url}`.length <= 8000)).toBe(true);
    seen = [];
    const one = new DicomWebClient({ baseUrl: root, maxUrlLength: 30_000 });
    await one.searchSeries(uids);
    expect(one.requestCount).toBe(1);
  });
});

describe('DicomWebClient: auth', () => {
  it('sends basic auth from the URL, and never shows the credentials', async () => {
    const urls: string[] = [];
    handler = () => ({ status: 401 });
    const client = new DicomWebClient({ baseUrl: root.replace('http://', 'http://pacs:Pa55%40word@'), onRequest: (r) => urls.push(r.url) });
    const err = await failure(client.searchStudies({}));
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('pacs:Pa55@word').toString('base64')}`);
    expect(err).toMatchObject({ reason: 'unauthorized', status: 401, code: 'PACS_UNAVAILABLE' });
    expect(err.message).not.toMatch(/Pa55/);
    expect(urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dicom-web\/studies\?/);
  });

  it('sends a bearer token', async () => {
    await new DicomWebClient({ baseUrl: root, auth: { type: 'bearer', token: 'tok.en' } }).searchStudies({});
    expect(seen[0]!.authorization).toBe('Bearer tok.en');
  });
});

describe('DicomWebClient: failures are PacsUnavailableError with a reason', () => {
  it.each([
    [{ status: 400, body: 'Bad request' }, 'bad-request'],
    [{ status: 403 }, 'unauthorized'],
    [{ status: 500, body: 'oops' }, 'http-status'],
    [{ status: 503 }, 'http-status'],
    [{ body: 'not json' }, 'not-json'],
    [{ body: '<html>' }, 'not-json'],
    [{ body: { a: 1 } }, 'not-dicom-json'],
    [{ body: [1, 2] }, 'not-dicom-json'],
    [{ body: [{ '0020000D': '2.25.1' }] }, 'not-dicom-json'],
    [{ body: [{ '0020000D': { vr: 'UI', Value: [{ uid: 1 }] } }] }, 'not-dicom-json'],
  ] as [Reply, string][])('%j → %s', async (reply, reason) => {
    handler = () => reply;
    const err = await failure(new DicomWebClient({ baseUrl: root }).searchStudies({}));
    expect(err).toBeInstanceOf(PacsUnavailableError);
    expect(err.reason).toBe(reason);
    expect(err.code).toBe('PACS_UNAVAILABLE');
  });

  it('a PACS that never answers → timeout', async () => {
    handler = () => ({ hang: true });
    const client = new DicomWebClient({ baseUrl: root, timeoutMs: 100 });
    expect(await failure(client.searchSeries(['2.25.1']))).toMatchObject({ reason: 'timeout' });
    server.closeAllConnections();
  });

  it('nothing listening → unreachable, and ping says false', async () => {
    const port = await freePort();
    const client = new DicomWebClient({ baseUrl: `http://u:secret@127.0.0.1:${port}/dicom-web` });
    const err = await failure(client.searchStudies({}));
    expect(err).toMatchObject({ reason: 'unreachable' });
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).not.toContain('secret');
    expect(await client.ping()).toBe(false);
  });
});
