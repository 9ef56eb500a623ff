// Two mistakes of a newcomer porting the tutorial from Python, as `proclab run` reports them:
// code that starts processes at the top level of the script (Python's program without its
// `if __name__ == '__main__':` guard) and reading `p.pid` without awaiting `p.start()`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliHome } from '../helpers/cli'

const home = cliHome()
afterAll(() => home.cleanup())

function script(name: string, source: string): string {
  const file = join(home.dataHome, '..', name)
  writeFileSync(file, source)
  return file
}

// Each test is one `proclab run`: a host, a lab main and children, each a Node start (seconds apiece under Wine).
describe('proclab run: messages for a script ported from Python', { timeout: 120_000 }, () => {
  it('a process started by top-level code: its own message, pointing at `export default` main, not "not exported"', async () => {
    const file = script(
      'no-main.mjs',
      `import { Process } from 'proclab'
export async function task(name) { console.log('hello', name) }
const p = new Process({ target: task, args: ['a'] })
await p.start()
await p.join()
`,
    )
    const ran = await home.run(['run', file, '--no-log'])
    expect(ran.code).toBe(1)
    const verdict = ran.stdout.split('\n').find((line) => line.startsWith('run failed:')) ?? ''
    expect(verdict).toMatch(/^run failed: ProcessError: Process 'Process-1' was started while .*no-main\.mjs was still being imported/)
    expect(verdict).toContain('`export default async function main() { ... }`')
    expect(verdict).toContain("`if __name__ == '__main__':`")
    expect(ran.stdout + ran.stderr).not.toContain('is not exported')
  })

  it('a script with no default export says what a main is', async () => {
    const file = script('no-default.mjs', `export async function task() {}\n`)
    const ran = await home.run(['run', file, '--no-log'])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(/^run failed: .*no-default\.mjs has no default export, so there is no main to run\. .*`export default async function main\(\) \{ \.\.\. \}`.*__name__/m)
  })

  it('reading pid before start() settled warns once on stderr, saying to `await p.start()`', async () => {
    const file = script(
      'no-await.mjs',
      `import { Process } from 'proclab'
export async function task() {}
export default async function main() {
  const a = new Process({ target: task, name: 'first' })
  const b = new Process({ target: task, name: 'second' })
  a.start()
  b.start()
  console.log('pids', a.pid, b.pid, a.pid)
  await a.join()
  await b.join()
  console.log('after join', typeof a.pid)
}
`,
    )
    const ran = await home.run(['run', file, '--no-log'])
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toMatch(/pids null null null/)
    expect(ran.stdout).toMatch(/after join number/)
    const warnings = ran.stderr.split('\n').filter((line) => line.includes('Warning:'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/the pid of first was read before its start\(\) had finished.*`await p\.start\(\)`/)
  })

  it('no warning when start() is awaited', async () => {
    const file = script(
      'awaited.mjs',
      `import { Process } from 'proclab'
export async function task() {}
export default async function main() {
  const a = new Process({ target: task })
  await a.start()
  console.log('pid', typeof a.pid)
  await a.join()
}
`,
    )
    const ran = await home.run(['run', file, '--no-log'])
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toMatch(/pid number/)
    expect(ran.stderr).not.toContain('Warning')
  })
})
