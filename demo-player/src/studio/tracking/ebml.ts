/** EBML variable-length fields (element ids and sizes), the framing of Matroska and WebM. */

export function readId(b: Uint8Array, p: number): { id: number; len: number } {
  const first = b[p]!;
  const len = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : 4;
  let id = 0;
  for (let i = 0; i < len; i++) id = id * 256 + b[p + i]!;
  return { id, len };
}

/** A size (or any vint): `unknown` when all its value bits are set, as live WebMs write for Segment and Cluster. */
export function readSize(b: Uint8Array, p: number): { size: number; len: number; unknown: boolean } {
  const first = b[p]!;
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) throw new Error(`WebM: bad element size at byte ${p}`);
  let size = first & (0xff >> len);
  let unknown = size === (0xff >> len);
  for (let i = 1; i < len; i++) {
    size = size * 256 + b[p + i]!;
    if (b[p + i] !== 0xff) unknown = false;
  }
  return { size, len, unknown };
}

/** An unsigned big-endian integer element body. */
export function readUint(b: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[p + i]!;
  return v;
}
