// The shell's log reaches a file in the app's logs folder as well as stderr (an app started from
// Finder or the Start menu has no terminal), and the file stays under its cap however long the app
// runs. The writer is used as the shell uses it; the log module in a real Node process, whose
// stderr and file are both read back.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CappedLogFile } from '../../src-main/electron/log-file'

const root = fileURLToPath(new URL('../..', import.meta.url))
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'proclab-log-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('CappedLogFile', () => {
  it('appends lines to a private file, making its folder', () => {
    const file = new CappedLogFile(join(dir, 'logs', 'proclab.log'))
    file.write('first')
    file.write('second, 第二')
    file.close()
    expect(readFileSync(file.path, 'utf8')).toBe('first\nsecond, 第二\n')
    if (process.platform !== 'win32') {
      expect(statSync(file.path).mode & 0o777).toBe(0o600)
      expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700)
    }
  })

  it('keeps the current and the previous file under the cap, losing nothing of the last cap worth of lines', () => {
    const cap = 1000
    const file = new CappedLogFile(join(dir, 'proclab.log'), cap)
    const lines = Array.from({ length: 500 }, (_, i) => `line ${String(i).padStart(4, '0')} ${'x'.repeat(i % 40)}`)
    for (const line of lines) file.write(line)
    file.close()
    const current = readFileSync(file.path, 'utf8')
    const previous = readFileSync(file.previousPath, 'utf8')
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(cap)
    expect(Buffer.byteLength(previous)).toBeLessThanOrEqual(cap)
    // The two files together are the newest lines, in order, without a gap.
    const kept = `${previous}${current}`.trimEnd().split('\n')
    expect(kept).toEqual(lines.slice(lines.length - kept.length))
    expect(Buffer.byteLength(`${previous}${current}`)).toBeGreaterThan(cap)
  })

  it('goes on with a file another run left, and rotates it when full', () => {
    const path = join(dir, 'proclab.log')
    writeFileSync(path, 'y'.repeat(990) + '\n')
    const file = new CappedLogFile(path, 1000)
    file.write('after a restart')
    file.close()
    expect(readFileSync(path, 'utf8')).toBe('after a restart\n')
    expect(readFileSync(file.previousPath, 'utf8')).toBe('y'.repeat(990) + '\n')
  })

  it('cuts a line longer than the cap to fit', () => {
    const file = new CappedLogFile(join(dir, 'proclab.log'), 100)
    file.write('长'.repeat(1000))
    file.close()
    const text = readFileSync(file.path, 'utf8')
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100)
    expect(text.endsWith('…\n')).toBe(true)
  })

  it('reports a file it cannot write once, and never throws', () => {
    writeFileSync(join(dir, 'not-a-folder'), '')
    const errors: unknown[] = []
    const file = new CappedLogFile(join(dir, 'not-a-folder', 'proclab.log'), 1000, (error) => errors.push(error))
    expect(() => {
      file.write('one')
      file.write('two')
    }).not.toThrow()
    expect(errors).toHaveLength(1)
  })
})

describe('the shell log', () => {
  function runLogger(source: string): Promise<{ stderr: string; code: number | null }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { cwd: root }, (error, _stdout, stderr) => {
        resolve({ stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 })
      })
    })
  }

  it('writes every line to stderr and to the file, including those logged before the file was known', async () => {
    const path = join(dir, 'logs', 'proclab.log')
    const { stderr, code } = await runLogger(`
      import { log, logToFile } from './src-main/electron/log.ts'
      log.info('starting')
      logToFile(${JSON.stringify(path)})
      log.warn('the renderer is gone (crashed, exit code 11)')
      log.error('startup failed', new Error('boom'))
    `)
    expect(code).toBe(0)
    expect(stderr).toContain('[proclab] starting\n')
    expect(stderr).toContain('[proclab] warning: the renderer is gone (crashed, exit code 11)\n')
    expect(stderr).toContain('[proclab] error: startup failed\nError: boom')
    const lines = readFileSync(path, 'utf8').split('\n')
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z info starting$/)
    expect(lines[1]).toMatch(/Z warning the renderer is gone \(crashed, exit code 11\)$/)
    expect(lines[2]).toMatch(/Z error startup failed$/)
    expect(lines[3]).toBe('Error: boom')
  })

  it('goes on on stderr when the file cannot be made, saying so once', async () => {
    // A file where the logs folder should be: no user, root included, can make the folder.
    writeFileSync(join(dir, 'logs'), '')
    const path = join(dir, 'logs', 'proclab.log')
    const { stderr, code } = await runLogger(`
      import { log, logToFile } from './src-main/electron/log.ts'
      logToFile(${JSON.stringify(path)})
      log.info('one')
      log.info('two')
    `)
    expect(code).toBe(0)
    expect(stderr.match(/cannot be written/g)).toHaveLength(1)
    expect(stderr).toContain('[proclab] one\n')
    expect(stderr).toContain('[proclab] two\n')
    expect(existsSync(path)).toBe(false)
  })
})
