/** Join byte buffers into one (weight shards, zip and PNG fixtures, hashing input). No imports. */
export function concatBytes(parts: readonly (Uint8Array | ArrayBuffer)[]): Uint8Array<ArrayBuffer> {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const v of views) {
    out.set(v, offset);
    offset += v.byteLength;
  }
  return out;
}
