// Who may talk to the browser-mode server. On loopback only local programs can connect, but any web page the
// user visits could still try (DNS rebinding, cross-site WebSocket), so Host and Origin are checked. Beyond
// loopback a random token is required as well.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'

export const TOKEN_COOKIE = 'iwb_token'

/** Loopback: 127.0.0.0/8, ::1 (in any spelling) and IPv4-mapped ::ffff:127.x.y.z, as RFC 1122 and 4291 say. */
const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/** True for 'localhost' and every loopback address (see README, browser mode); names other than localhost are not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost') return true
  const family = isIP(h)
  if (family === 0) return false
  return LOOPBACK.check(h, family === 4 ? 'ipv4' : 'ipv6')
}

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The token a request carries: ?token= in its URL, else `Authorization: Bearer <token>` (scripts, proxies), else
 * the cookie set when the page was first opened.
 */
export function requestToken(req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://x')
  const q = url.searchParams.get('token')
  if (q) return q
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (bearer) return bearer[1]
  const cookies = req.headers.cookie ?? ''
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='))
  }
  return null
}

/** The hostname of a Host header ("127.0.0.1:5174" -> "127.0.0.1", "[::1]:80" -> "::1"). */
export function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader)
  if (m) return m[1]
  return hostHeader.replace(/:\d+$/, '')
}

export interface AccessPolicy {
  /** null on loopback: no token needed */
  token: string | null
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; reason: string }

/**
 * Decide whether a request (page or WebSocket upgrade) may proceed. Browsers always send Origin on WebSocket
 * upgrades, so a cross-site page is refused even on loopback; programs without Origin (the CLI, tests) are let in.
 */
export function checkAccess(req: IncomingMessage, policy: AccessPolicy): AccessDecision {
  const host = req.headers.host ?? ''
  if (!host) return { ok: false, status: 403, reason: 'missing Host header' }
  if (policy.token === null && !isLoopbackHost(hostnameOf(host))) {
    // Bound to loopback but addressed by another name: a DNS-rebinding attempt.
    return { ok: false, status: 403, reason: `Host '${host}' is not a loopback address` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && origin !== `http://${host}`) {
    return { ok: false, status: 403, reason: `Origin '${origin}' is not this server` }
  }
  if (policy.token !== null && !tokensEqual(requestToken(req), policy.token)) {
    return { ok: false, status: 401, reason: 'missing or wrong token' }
  }
  return { ok: true }
}

/** Headers for every response: the page may load only its own scripts and talk only to its own server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // wasm-unsafe-eval: tfjs's wasm backend and MuJoCo compile WebAssembly in the page if ever used there.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cache-Control': 'no-store',
}
