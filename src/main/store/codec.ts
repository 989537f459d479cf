// Float64 vectors <-> SQLite BLOBs. Little-endian float64, 8 bytes per value, no header (the length is the
// byte length / 8). Every platform Electron ships on is little-endian, so the native layout is the stored one.
export function toBlob(values: ArrayLike<number>): Buffer {
  const f = Float64Array.from(values as ArrayLike<number>)
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength)
}

export function fromBlob(blob: Buffer | Uint8Array | null): Float64Array {
  if (!blob) return new Float64Array(0)
  if (blob.byteLength % 8 !== 0)
    throw new Error(`vector blob of ${blob.byteLength} bytes is not a whole number of float64`)
  // Copy: the driver's Buffer may not be 8-byte aligned and may share a pool.
  const copy = new Uint8Array(blob.byteLength)
  copy.set(blob)
  return new Float64Array(copy.buffer)
}

export function fromBlobOrNull(blob: Buffer | Uint8Array | null): Float64Array | null {
  return blob ? fromBlob(blob) : null
}
