// A small rasteriser for the plot primitives and a PNG encoder (zlib), used when no Chromium is available.
// It draws bands, lines and frames; it does not draw text (the SVG and HTML carry the labels).
import { deflateSync } from 'node:zlib'
import type { Primitive } from './svg-plot'

function rgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '')
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)]
}

export class Canvas {
  readonly data: Uint8Array
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 3).fill(255)
  }

  blend(x: number, y: number, c: [number, number, number], a: number): void {
    x = Math.floor(x)
    y = Math.floor(y)
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return
    const i = (y * this.width + x) * 3
    for (let k = 0; k < 3; k++) this.data[i + k] = Math.round(this.data[i + k] * (1 - a) + c[k] * a)
  }

  fillRect(x: number, y: number, w: number, h: number, c: [number, number, number]): void {
    for (let j = Math.max(0, Math.floor(y)); j < Math.min(this.height, Math.ceil(y + h)); j++)
      for (let i = Math.max(0, Math.floor(x)); i < Math.min(this.width, Math.ceil(x + w)); i++) this.blend(i, j, c, 1)
  }

  /** Even-odd scanline fill. */
  fillPolygon(points: [number, number][], c: [number, number, number], a: number): void {
    if (points.length < 3) return
    const ys = points.map((p) => p[1])
    const y0 = Math.max(0, Math.floor(Math.min(...ys)))
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(...ys)))
    for (let y = y0; y <= y1; y++) {
      const sy = y + 0.5
      const xs: number[] = []
      for (let i = 0; i < points.length; i++) {
        const [ax, ay] = points[i]
        const [bx, by] = points[(i + 1) % points.length]
        if ((ay <= sy && by > sy) || (by <= sy && ay > sy)) xs.push(ax + ((sy - ay) / (by - ay)) * (bx - ax))
      }
      xs.sort((p, q) => p - q)
      for (let k = 0; k + 1 < xs.length; k += 2)
        for (let x = Math.max(0, Math.round(xs[k])); x < Math.min(this.width, Math.round(xs[k + 1])); x++) this.blend(x, y, c, a)
    }
  }

  /** A polyline of the given width, stamped as squares along each segment; dashes skip every other 6 px. */
  line(points: [number, number][], c: [number, number, number], width: number, dash = false): void {
    const r = Math.max(0.5, width / 2)
    let travelled = 0
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = points[i]
      const [bx, by] = points[i + 1]
      const len = Math.hypot(bx - ax, by - ay)
      const n = Math.max(1, Math.ceil(len * 2))
      for (let s = 0; s <= n; s++) {
        const d = travelled + (s / n) * len
        if (dash && Math.floor(d / 6) % 2 === 1) continue
        const x = ax + ((bx - ax) * s) / n
        const y = ay + ((by - ay) * s) / n
        for (let dy = -r; dy < r; dy++) for (let dx = -r; dx < r; dx++) this.blend(x + dx, y + dy, c, 1)
      }
      travelled += len
    }
  }
}

export function rasterise(width: number, height: number, prims: Primitive[]): Canvas {
  const cv = new Canvas(width, height)
  for (const p of prims) {
    if (p.kind === 'rect') {
      cv.fillRect(p.x, p.y, p.w, p.h, rgb(p.fill))
      if (p.stroke)
        cv.line([[p.x, p.y], [p.x + p.w, p.y], [p.x + p.w, p.y + p.h], [p.x, p.y + p.h], [p.x, p.y]], rgb(p.stroke), 1)
    } else if (p.kind === 'poly') cv.fillPolygon(p.points, rgb(p.fill), p.opacity)
    else if (p.kind === 'line') cv.line(p.points, rgb(p.stroke), p.width, p.dash)
  }
  return cv
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  Buffer.from(data).copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** 8-bit RGB PNG. */
export function encodePng(cv: Canvas): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(cv.width, 0)
  ihdr.writeUInt32BE(cv.height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const rows = Buffer.alloc((cv.width * 3 + 1) * cv.height)
  for (let y = 0; y < cv.height; y++) {
    rows[y * (cv.width * 3 + 1)] = 0
    Buffer.from(cv.data.buffer, cv.data.byteOffset + y * cv.width * 3, cv.width * 3).copy(rows, y * (cv.width * 3 + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ])
}
