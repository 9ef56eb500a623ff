// Misuse gets a clear error where the user made it, and a failing script says why.
import { describe, expect, it } from 'vitest'
import { runSource } from '../helpers/lab'
import { results } from '../helpers/results'


describe('clear errors', () => {
  it('reports each misuse with a plain message and the right error class', async () => {
    const run = await runSource(`
      import { Process, ProcessError, sleep } from 'proclab'
      export async function nap(ms) { await sleep(ms) }
      function notExported() {}
      function attempt(label, fn) {
        try { fn(); return { [label]: 'no error' } }
        catch (e) { return { [label]: (e instanceof ProcessError ? 'ProcessError' : e.constructor.name) + ': ' + e.message } }
      }
      export default async function main() {
        const out = {}
        Object.assign(out, attempt('notExported', () => new Process({ target: notExported })))
        Object.assign(out, attempt('uncloneable', () => new Process({ target: nap, args: [() => 1] }).start()))
        Object.assign(out, attempt('badArgs', () => new Process({ target: nap, args: 'x' })))
        Object.assign(out, attempt('noTarget', () => new Process({}).start()))
        const p = new Process({ target: nap, args: [400] })
        Object.assign(out, attempt('joinBeforeStart', () => { p.join().catch(() => {}); throw new Error('join did not throw synchronously') }))
        try { await p.join() } catch (e) { out.joinBeforeStart = e.constructor.name + ': ' + e.message }
        await p.start()
        Object.assign(out, attempt('startTwice', () => p.start()))
        Object.assign(out, attempt('closeWhileRunning', () => p.close()))
        await p.join()
        p.close()
        Object.assign(out, attempt('useAfterClose', () => p.pid))
        console.log('RESULT ' + JSON.stringify(out))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess'))
    expect(r.notExported).toMatch(/^TypeError: Process target 'notExported' is not exported from .*lab\.mjs/)
    expect(r.uncloneable).toMatch(/^TypeError: Argument 0 of process 'Process-\d' \(function.*\) cannot be sent to another process/)
    expect(r.badArgs).toBe("TypeError: Process option 'args' must be an array, got string")
    expect(r.noTarget).toMatch(/^TypeError: process 'Process-\d' has no target/)
    expect(r.joinBeforeStart).toBe('ProcessError: can only join a started process')
    expect(r.startTwice).toBe('ProcessError: cannot start a process twice')
    expect(r.closeWhileRunning).toMatch(/^ProcessError: cannot close a process while it is still running/)
    expect(r.useAfterClose).toBe('ProcessError: process object is closed')
  })

  it('says what was written when a target cannot be found by name: an arrow, an anonymous function, a named one not exported', async () => {
    const run = await runSource(`
      import { Barrier, Process } from 'proclab'
      const work = () => 1
      function attempt(label, fn) {
        try { fn(); return { [label]: 'no error' } }
        catch (e) { return { [label]: e.constructor.name + ': ' + e.message } }
      }
      export default async function main() {
        console.log('RESULT ' + JSON.stringify({
          ...attempt('arrow', () => new Process({ target: (n) => n * 2 })),
          ...attempt('asyncArrow', () => new Process({ target: async () => { await null } })),
          ...attempt('anonymous', () => new Process({ target: function () {} })),
          ...attempt('namedArrow', () => new Process({ target: work })),
          ...attempt('barrierArrow', () => new Barrier(2, { action: () => {} })),
        }))
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const r = results(run.lines('MainProcess'))
    const fix = /A lab process starts fresh and imports your script, so it finds the target by its export name: move its code into a named function, export it from .*lab\.mjs \('export function work\(\.\.\.\) \{ \.\.\. \}'\) and pass \{ target: work \}\.$/
    expect(r.arrow).toMatch(/^TypeError: Process target is an arrow function with no name of its own \(`\(n\) => n \* 2`\), so another process cannot find it\. /)
    expect(r.arrow).toMatch(fix)
    expect(r.asyncArrow).toMatch(/^TypeError: Process target is an arrow function with no name of its own \(`async \(\) => \{ await null \}`\)/)
    expect(r.anonymous).toMatch(/^TypeError: Process target is an anonymous function with no name of its own \(`function \(\) \{\}`\)/)
    expect(r.anonymous).toMatch(fix)
    expect(r.namedArrow).toMatch(/^TypeError: Process target 'work' is not exported from .*lab\.mjs\. .*: write 'export const work = \.\.\.' \(or export an existing function\)\.$/)
    expect(r.barrierArrow).toMatch(/^TypeError: Barrier action is an arrow function with no name of its own \(`\(\) => \{\}`\).* and pass \{ action: work \}\.$/)
    for (const message of Object.values(r)) expect(message).not.toContain("'target'")
  })

  it('fails the run with the reason when the script has no default export, throws, or does not parse', async () => {
    const noMain = await runSource(`export const x = 1`)
    expect(noMain.end.ok).toBe(false)
    expect(noMain.end.error).toMatch(/has no default export, so there is no main to run\. .*`export default async function main\(\) \{ \.\.\. \}`.*`if __name__ == '__main__':`/)

    const throws = await runSource(`export default async function main() { throw new RangeError('main gave up') }`)
    expect(throws.end).toMatchObject({ ok: false, error: 'RangeError: main gave up' })
    expect(throws.exitCode('MainProcess')).toBe(1)
    expect(throws.lines('MainProcess').join('\n')).toContain('main gave up')

    const syntax = await runSource(`export default async function main( {`)
    expect(syntax.end.ok).toBe(false)
    expect(syntax.end.error).toMatch(/SyntaxError/)
  })

  it('using the API outside a lab process says how to run a script', async () => {
    const { Process } = await import('../../src-main/lab')
    expect(() => new Process({})).toThrow(/works inside a lab process.*proclab run/)
  })
})
