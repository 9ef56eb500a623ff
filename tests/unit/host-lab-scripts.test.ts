// The editor's commands: scripts saved in the user's lab folder by name, read back, listed and run;
// nothing outside that folder is ever read, written or run, whatever a UI sends.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LAB_SCRIPT_MAX_BYTES } from '../../src-shared/contract'
import { runOn, scriptDir, withHost } from '../helpers/lab'
import { notOnWindows } from '../helpers/platform'

let folders: ReturnType<typeof scriptDir>
let labDir: string
beforeEach(() => {
  folders = scriptDir()
  labDir = join(folders.dir, 'lab')
})
afterEach(() => folders.cleanup())

const HELLO = `import { Process, currentProcess } from 'proclab'
export function greet(word) { console.log(word + ' from ' + currentProcess().name) }
export default async function main() {
  const p = new Process({ target: greet, args: ['hi'], name: 'greeter' })
  await p.start(); await p.join()
}
`

describe('lab scripts in the user folder', () => {
  it('saves, lists, reads back and runs a script by its name', async () => {
    await withHost({ labDir }, async (host) => {
      expect(await host.call('lab.scripts.list', {})).toEqual([])
      const saved = await host.call('lab.scripts.save', { name: 'hello.mjs', source: HELLO })
      expect(saved).toMatchObject({ name: 'hello.mjs', path: join(labDir, 'hello.mjs'), bytes: Buffer.byteLength(HELLO) })
      expect(readFileSync(saved.path, 'utf8')).toBe(HELLO)
      expect((await host.call('lab.scripts.list', {})).map((s) => s.name)).toEqual(['hello.mjs'])
      expect(await host.call('lab.scripts.read', { name: 'hello.mjs' })).toEqual({ name: 'hello.mjs', source: HELLO })
      const run = await runOn(host, { labScript: 'hello.mjs' })
      expect(run.end.ok, run.end.error ?? '').toBe(true)
      expect(run.lines('greeter')).toEqual(['hi from greeter'])
    })
  })

  it('runs a TypeScript script saved from the editor', async () => {
    await withHost({ labDir }, async (host) => {
      const source = `import { Value } from 'proclab'\nexport default async function main(): Promise<void> {\n  const v: Value = new Value('i', 41)\n  v.value = Number(v.value) + 1\n  console.log('value', v.value)\n}\n`
      await host.call('lab.scripts.save', { name: 'typed.ts', source })
      const run = await runOn(host, { labScript: 'typed.ts' })
      expect(run.end.ok, run.end.error ?? '').toBe(true)
      expect([...run.output.values()].flat()).toContain('value 42')
    })
  })

  it('refuses names that are paths, hidden, or of another kind of file', async () => {
    await withHost({ labDir }, async (host) => {
      const names = ['../escape.mjs', 'a/b.mjs', 'a\\b.mjs', '/etc/passwd.js', '.hidden.mjs', 'script.sh', 'script', '', 'x.mjs\u0000.js', `${'a'.repeat(70)}.mjs`, '-flag.mjs']
      let id = 0
      for (const name of names) {
        for (const raw of [
          { id: ++id, cmd: 'lab.scripts.save', args: { name, source: 'x' } },
          { id: ++id, cmd: 'lab.scripts.read', args: { name } },
          { id: ++id, cmd: 'run.start', args: { labScript: name } },
        ]) {
          const response = await host.handle(raw)
          expect(response, JSON.stringify(raw)).toMatchObject({ ok: false, error: { code: 'bad-request' } })
        }
      }
      expect(existsSync(labDir)).toBe(false)
      expect(existsSync(join(folders.dir, 'escape.mjs'))).toBe(false)
    })
  })

  it('refuses a script too big, counted in characters and in bytes', async () => {
    await withHost({ labDir }, async (host) => {
      const tooLong = await host.handle({ id: 1, cmd: 'lab.scripts.save', args: { name: 'big.mjs', source: 'a'.repeat(LAB_SCRIPT_MAX_BYTES + 1) } })
      expect(tooLong).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      // Few enough characters for the schema, too many bytes once written as UTF-8.
      const wide = await host.handle({ id: 2, cmd: 'lab.scripts.save', args: { name: 'big.mjs', source: '汉'.repeat(LAB_SCRIPT_MAX_BYTES / 2) } })
      expect(wide).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      expect(existsSync(join(labDir, 'big.mjs'))).toBe(false)
      expect(await host.call('lab.scripts.save', { name: 'fits.mjs', source: 'a'.repeat(LAB_SCRIPT_MAX_BYTES) })).toMatchObject({ bytes: LAB_SCRIPT_MAX_BYTES })
    })
  })

  it('never reads, writes or runs through a link in the lab folder', notOnWindows('a symbolic link needs Developer Mode or an administrator on Windows, and the one Wine 8 makes is not seen by lstat'), async () => {
    const outside = join(folders.dir, 'outside.mjs')
    writeFileSync(outside, "console.log('outside ran')\nexport default async function main() {}\n")
    mkdirSync(labDir)
    symlinkSync(outside, join(labDir, 'linked.mjs'))
    await withHost({ labDir }, async (host) => {
      expect(await host.handle({ id: 1, cmd: 'run.start', args: { labScript: 'linked.mjs' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.handle({ id: 2, cmd: 'lab.scripts.read', args: { name: 'linked.mjs' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.handle({ id: 3, cmd: 'lab.scripts.save', args: { name: 'linked.mjs', source: 'overwritten' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.call('lab.scripts.list', {})).toEqual([])
      expect(await host.call('run.snapshot', {})).toMatchObject({ running: false })
    })
    expect(readFileSync(outside, 'utf8')).toContain('outside ran')
  })

  it('never runs a folder of the lab folder, and says a missing script is not found', async () => {
    mkdirSync(labDir)
    mkdirSync(join(labDir, 'folder.mjs'))
    await withHost({ labDir }, async (host) => {
      expect(await host.handle({ id: 1, cmd: 'run.start', args: { labScript: 'folder.mjs' } })).toMatchObject({ ok: false, error: { code: 'refused' } })
      expect(await host.handle({ id: 2, cmd: 'run.start', args: { labScript: 'absent.mjs' } })).toMatchObject({ ok: false, error: { code: 'not-found' } })
      expect(await host.call('lab.scripts.list', {})).toEqual([])
      expect(await host.call('run.snapshot', {})).toMatchObject({ running: false })
    })
  })

  it('gives a built-in scenario’s source to open in the editor', async () => {
    await withHost({ labDir }, async (host) => {
      const hello = await host.call('scenarios.source', { id: 'hello' })
      expect(hello).toMatchObject({ id: 'hello', file: 'hello.mjs' })
      expect(hello.source).toContain('export default')
      expect(await host.handle({ id: 1, cmd: 'scenarios.source', args: { id: '../../package.json' } })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    })
  })
})
