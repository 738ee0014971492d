/**
 * Reads a request body, stopping at `maxBytes`: the one bounded reader of both servers (the
 * gateway's body limit, a trust's signature check). A `content-length` header can be absent
 * (chunked) or forged, so the bytes are counted as they arrive and reading stops as soon as the
 * limit is passed; nothing past it is buffered.
 * Returns the bytes, or undefined when the body is larger than `maxBytes`.
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Buffer<ArrayBuffer> | undefined> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
