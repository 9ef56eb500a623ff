// The guards of `proclab serve`. The server listens on loopback only, but any web page the user
// visits can still reach loopback ports: the token stops other pages (they cannot read it), the
// Origin check stops cross-site WebSocket hijacking, and the Host check stops DNS rebinding.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export const LOOPBACK = '127.0.0.1'

export function newToken(): string {
  return randomBytes(32).toString('hex')
}

/** Constant-time, so the token cannot be guessed a byte at a time from response timings. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  // timingSafeEqual needs equal lengths; compare against the expected token itself so a
  // wrong length costs the same as a wrong value.
  if (a.length !== b.length) {
    timingSafeEqual(b, b)
    return false
  }
  return timingSafeEqual(a, b)
}

function oneHeader(value: string | string[] | undefined): string | null {
  if (typeof value === 'string') return value
  return null // absent, or sent twice: neither is something a browser does
}

/** A rebinding attack arrives with the attacker's host name here, never ours. */
export function hostAllowed(headers: IncomingHttpHeaders, port: number): boolean {
  const host = oneHeader(headers.host)?.toLowerCase()
  return host === `${LOOPBACK}:${port}` || host === `localhost:${port}`
}

/** Browsers always send Origin on WebSocket handshakes; only our own pages may connect. */
export function originAllowed(headers: IncomingHttpHeaders, port: number): boolean {
  const origin = oneHeader(headers.origin)?.toLowerCase()
  return origin === `http://${LOOPBACK}:${port}` || origin === `http://localhost:${port}`
}

const FALLBACK_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/** The renderer's own CSP meta, so web mode enforces exactly what the desktop app enforces. */
export function cspFromHtml(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag)
    const value = (content?.[1] ?? content?.[2] ?? '').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').trim()
    if (value) return value
  }
  return null
}

/**
 * The header CSP. Browsers ignore frame-ancestors in a meta tag, so the header adds it; and the
 * WebSocket endpoint is named explicitly because older engines do not let 'self' cover ws:.
 */
export function contentSecurityPolicy(rendererCsp: string | null, port: number): string {
  const base = rendererCsp ?? FALLBACK_CSP
  const ws = `ws://${LOOPBACK}:${port} ws://localhost:${port}`
  const directives = base
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => (/^connect-src\s/i.test(d) && !d.includes('ws://') ? `${d} ${ws}` : d))
  if (!directives.some((d) => /^frame-ancestors\b/i.test(d))) directives.push("frame-ancestors 'none'")
  return directives.join('; ')
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}
