// Exports made with sessions.export are downloadable from `proclab serve`: with the token only,
// by export name only, as an attachment.
import { readFileSync } from 'node:fs'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { get, type IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createHost } from '../../src-main/host'
import { sessionFileName } from '../../src-main/session'
import { startWebServer } from '../../src-main/web/server'
import { tempDir, writeSessionFile } from '../fixtures/session/helpers'

let dir = ''
const cleanups: Array<() => Promise<void>> = []
beforeEach(async () => {
  const temp = await tempDir()
  dir = temp.dir
  cleanups.push(temp.cleanup)
})
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

function fetchRaw(port: number, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

it('serves an export as an attachment to holders of the token, and nothing else', async () => {
  const rendererDir = join(dir, 'renderer')
  await mkdir(rendererDir)
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>ProcLab</title>')
  const host = await createHost({ sessionsDir: join(dir, 'sessions'), sessionLog: false })
  cleanups.push(() => host.dispose())
  const server = await startWebServer(host, { port: 0, rendererDir, exportsDir: host.exportsDir })
  cleanups.push(() => server.close())

  const id = sessionFileName(Date.UTC(2025, 0, 1), 77)
  await mkdir(join(dir, 'sessions'))
  await writeSessionFile(join(dir, 'sessions', id), [{ seq: 1, t: 0, runId: 'r1', kind: 'run.start', title: '你好', source: 'x' }])
  const made = await host.call('sessions.export', { id, format: 'csv' })
  const path = `/export/${encodeURIComponent(made.name)}`

  const ok = await fetchRaw(server.port, `${path}?token=${server.token}`)
  expect(ok.status).toBe(200)
  expect(ok.headers['content-disposition']).toBe(`attachment; filename="${made.name}"`)
  expect(ok.headers['content-type']).toMatch(/^text\/csv/)
  expect(ok.body.equals(readFileSync(made.path))).toBe(true)
  expect(ok.body.toString('utf8')).toContain('你好')

  expect((await fetchRaw(server.port, path)).status).toBe(401)
  expect((await fetchRaw(server.port, `${path}?token=${'0'.repeat(64)}`)).status).toBe(401)
  expect((await fetchRaw(server.port, `${path}?token=${server.token}&token=${server.token}`)).status).toBe(401)
  // Only export names, only from the exports folder: the session itself, traversal and symlinks are refused.
  await writeFile(join(dir, 'secret.txt'), 'TOP SECRET')
  const sneaky = made.name.replace('.csv', '.ndjson').replace('-csv-', '-ndjson-')
  await symlink(join(dir, 'secret.txt'), join(host.exportsDir, sneaky))
  for (const target of [`/export/${id}`, '/export/..%2Fsecret.txt', `/export/..%2Fsessions%2F${id}`, `/export/${sneaky}`, '/export/', `/export/${made.name}%00`]) {
    const res = await fetchRaw(server.port, `${target}?token=${server.token}`)
    expect(res.status, target).toBe(404)
    expect(res.body.toString()).not.toContain('TOP SECRET')
  }
})
