// The decisions both transports make about who may talk to the host, tested without a binary:
// the web server's token, Host, Origin and CSP rules, and the Electron shell's sender checks.
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isAppUrl, refusedResponse, senderProblem, withDeadline } from '../../src-main/electron/guards'
import { appPaths } from '../../src-main/electron/paths'
import { contentSecurityPolicy, cspFromHtml, hostAllowed, originAllowed, tokenMatches } from '../../src-main/web/security'
import { salvageId } from '../../src-main/web/protocol'

describe('web security rules', () => {
  const token = 'ab'.repeat(32)

  it('matches the token exactly', () => {
    expect(tokenMatches(token, token)).toBe(true)
    expect(tokenMatches(token.toUpperCase(), token)).toBe(false)
    expect(tokenMatches(token + '0', token)).toBe(false)
    expect(tokenMatches('', token)).toBe(false)
    expect(tokenMatches(null, token)).toBe(false)
    expect(tokenMatches(undefined, token)).toBe(false)
  })

  it('allows only our loopback host and origin, on our port', () => {
    expect(hostAllowed({ host: '127.0.0.1:4000' }, 4000)).toBe(true)
    expect(hostAllowed({ host: 'LOCALHOST:4000' }, 4000)).toBe(true)
    expect(hostAllowed({ host: '127.0.0.1:4001' }, 4000)).toBe(false)
    expect(hostAllowed({ host: '127.0.0.1' }, 4000)).toBe(false)
    expect(hostAllowed({ host: 'attacker.example:4000' }, 4000)).toBe(false)
    expect(hostAllowed({}, 4000)).toBe(false)
    expect(originAllowed({ origin: 'http://127.0.0.1:4000' }, 4000)).toBe(true)
    expect(originAllowed({ origin: 'http://localhost:4000' }, 4000)).toBe(true)
    expect(originAllowed({ origin: 'http://127.0.0.1:4000.attacker.example' }, 4000)).toBe(false)
    expect(originAllowed({ origin: 'file://' }, 4000)).toBe(false)
    expect(originAllowed({}, 4000)).toBe(false)
  })

  it("takes the renderer's CSP meta and adds what only a header can say", () => {
    const html = `<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'self'"></head>`
    expect(cspFromHtml(html)).toBe("default-src 'self'; connect-src 'self'")
    expect(cspFromHtml('<head><title>x</title></head>')).toBeNull()
    const csp = contentSecurityPolicy(cspFromHtml(html), 4000)
    expect(csp).toBe("default-src 'self'; connect-src 'self' ws://127.0.0.1:4000 ws://localhost:4000; frame-ancestors 'none'")
    const fallback = contentSecurityPolicy(null, 4000)
    expect(fallback).toContain("object-src 'none'")
    expect(fallback).toContain('connect-src \'self\' ws://127.0.0.1:4000')
  })

  it('recovers the id of a request it will not parse, and only a plain one', () => {
    expect(salvageId('{"id": 12, "cmd": ')).toBe(12)
    expect(salvageId('  {"id":0}')).toBe(0)
    expect(salvageId('{"cmd":"hello","id":3')).toBe(-1)
    expect(salvageId('{"id": -4, ')).toBe(-1)
    expect(salvageId('garbage')).toBe(-1)
  })
})

describe('Electron shell guards', () => {
  const base = resolve('/opt/ProcLab')
  const index = pathToFileURL(join(base, 'out', 'renderer', 'index.html')).href

  it('recognises our own page whatever its route', () => {
    expect(isAppUrl(index, index)).toBe(true)
    expect(isAppUrl(`${index}#/lab`, index)).toBe(true)
    expect(isAppUrl(`${index}?lang=zh`, index)).toBe(true)
    expect(isAppUrl(pathToFileURL('/opt/ProcLab/out/renderer/other.html').href, index)).toBe(false)
    expect(isAppUrl(pathToFileURL('/tmp/evil/out/renderer/index.html').href, index)).toBe(false)
    expect(isAppUrl('https://example.com/out/renderer/index.html', index)).toBe(false)
    expect(isAppUrl('not a url', index)).toBe(false)
  })

  it('trusts only the main frame of our window showing our page', () => {
    const ok = { fromOurWindow: true, isMainFrame: true, url: index }
    expect(senderProblem(ok, index)).toBeNull()
    expect(senderProblem({ ...ok, fromOurWindow: false }, index)).toMatch(/window/)
    expect(senderProblem({ ...ok, isMainFrame: false }, index)).toMatch(/main frame/)
    expect(senderProblem({ ...ok, url: null }, index)).toMatch(/gone/)
    expect(senderProblem({ ...ok, url: 'https://example.com/' }, index)).toMatch(/foreign page/)
  })

  it('refuses with the request id when it has one', () => {
    expect(refusedResponse({ id: 9, cmd: 'hello' }, 'no')).toEqual({ id: 9, ok: false, error: { code: 'refused', message: 'Request refused: no' } })
    expect(refusedResponse('junk', 'no')).toMatchObject({ id: -1, ok: false })
  })

  it('finds the preload and renderer beside the main bundle, from a chunk too', () => {
    const fromEntry = appPaths(pathToFileURL(join(base, 'out', 'main', 'electron.js')).href)
    const fromChunk = appPaths(pathToFileURL(join(base, 'out', 'main', 'chunks', 'shell-abc.js')).href)
    expect(fromEntry).toEqual(fromChunk)
    expect(fromEntry.preload).toBe(join(base, 'out', 'preload', 'index.cjs'))
    expect(fromEntry.rendererIndexUrl).toBe(index)
  })

  it('gives up waiting at the deadline', async () => {
    expect(await withDeadline(new Promise<string>(() => {}), 20, 'late')).toBe('late')
    expect(await withDeadline(Promise.resolve('done'), 1000, 'late')).toBe('done')
    expect(await withDeadline(Promise.reject(new Error('x')), 1000, 'late')).toBe('late')
  })
})
