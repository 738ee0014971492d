import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bodyIdleDeadline } from '../../platform/body-idle-deadline.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bodyIdleDeadline', () => {
  it('destroys a body that stops sending while it is read', async () => {
    const body = new PassThrough();
    bodyIdleDeadline(body, 30, () => new Error('idle'));
    const failed = new Promise<Error>((resolve) => body.once('error', resolve));
    body.on('data', () => undefined);
    body.write('first chunk');
    expect((await failed).message).toBe('idle');
    expect(body.destroyed).toBe(true);
  });

  it('does not cut a body paused by its reader (back-pressure), however long', async () => {
    const body = new PassThrough();
    bodyIdleDeadline(body, 30, () => new Error('idle'));
    const chunks: string[] = [];
    body.on('data', (c: Buffer) => chunks.push(c.toString()));
    body.write('a');
    await sleep(5);
    body.pause();
    await sleep(150);
    expect(body.destroyed).toBe(false);
    body.resume();
    body.end('b');
    await new Promise((r) => body.once('end', r));
    expect(chunks.join('')).toBe('ab');
  });
});
