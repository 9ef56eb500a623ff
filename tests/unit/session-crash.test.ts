// A real host process records continuously and is SIGKILLed: what reached the disk must be a
// readable session holding everything appended up to shortly before the kill.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { loadSession } from '../../src-main/session/index'
import { tempDir } from '../fixtures/session/helpers'

const writer = fileURLToPath(new URL('../fixtures/session/crash-writer.ts', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))
// The recorder writes at least every 50 ms; allow the write in flight and a busy machine.
const MAX_LOSS_MS = 250

let dir = ''
let cleanup = async () => {}
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

it('keeps a readable session up to shortly before a SIGKILL', async () => {
  const file = join(dir, 'crash.ndjson')
  const child = spawn(process.execPath, ['--import', 'tsx', writer, file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  const progress: Array<{ wall: number; seq: number }> = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let buffered = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) {
      const [, wall, seq] = line.split(' ')
      progress.push({ wall: Number(wall), seq: Number(seq) })
    }
  })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))

  // Let it record for a while (well past several flush intervals), then kill it without warning.
  const deadline = Date.now() + 20_000
  while ((progress.length === 0 || Date.now() - progress[0]!.wall < 800) && Date.now() < deadline) {
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 20))
  }
  expect(progress.length, `writer never reported progress: ${stderr}`).toBeGreaterThan(0)
  const killedAt = Date.now()
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')

  const { header, events, warnings } = await loadSession(file)
  expect(header).toMatchObject({ proclab: 'session', format: 1, version: 'crash-test', hostPid: child.pid })
  expect(events.length).toBeGreaterThan(0)
  const gaps = events.filter((e, i) => e.seq !== i + 1)
  expect(gaps).toEqual([])
  expect(events.every((e) => e.kind === 'stdout' && e.line.startsWith('任务1 line '))).toBe(true)
  // At most the last line may be torn, and that is a warning, not an error.
  expect(warnings.length).toBeLessThanOrEqual(1)
  if (warnings.length === 1) expect(warnings[0]!.kind).toBe('torn-last-line')
  // Everything appended MAX_LOSS_MS before the kill is on disk.
  const settled = progress.filter((p) => p.wall <= killedAt - MAX_LOSS_MS).at(-1)
  expect(settled).toBeDefined()
  expect(events.at(-1)!.seq).toBeGreaterThanOrEqual(settled!.seq)
})
