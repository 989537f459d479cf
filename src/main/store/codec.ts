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

/**
 * Structured state (checkpoints) <-> a BLOB: JSON in which every Float32Array/Float64Array is written as its
 * bytes in base64, so weights and optimiser moments come back bit-identical and a third of the size of JSON
 * numbers.
 */
export function encodeState(value: unknown): Buffer {
  const json = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (v instanceof Float32Array || v instanceof Float64Array) {
      const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
      return v instanceof Float32Array ? { $f32: bytes } : { $f64: bytes }
    }
    return v
  })
  return Buffer.from(json, 'utf8')
}

export function decodeState(blob: Buffer | Uint8Array): unknown {
  return JSON.parse(Buffer.from(blob).toString('utf8'), (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as { $f32?: string; $f64?: string }
      const b64 = o.$f32 ?? o.$f64
      if (typeof b64 === 'string') {
        const bytes = Buffer.from(b64, 'base64')
        const copy = new Uint8Array(bytes.byteLength)
        copy.set(bytes)
        return o.$f32 !== undefined ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer)
      }
    }
    return v
  })
}

/**
 * A label's context (learn/session-log.ts LabelContext) <-> a BLOB: float64 values, the first the number of
 * history values, then the history, then the actions after the label's own. NULL when it has none.
 */
export function encodeContext(
  c: { history: ArrayLike<number>; next: ArrayLike<number> } | null | undefined,
): Buffer | null {
  if (!c || (c.history.length === 0 && c.next.length === 0)) return null
  const out = new Float64Array(1 + c.history.length + c.next.length)
  out[0] = c.history.length
  out.set(c.history as ArrayLike<number>, 1)
  out.set(c.next as ArrayLike<number>, 1 + c.history.length)
  return toBlob(out)
}

export function decodeContext(blob: Buffer | Uint8Array | null): { history: Float64Array; next: Float64Array } | null {
  if (!blob) return null
  const v = fromBlob(blob)
  const h = v[0]
  if (!(Number.isInteger(h) && h >= 0 && h <= v.length - 1)) throw new Error('label context blob is malformed')
  return { history: v.slice(1, 1 + h), next: v.slice(1 + h) }
}
