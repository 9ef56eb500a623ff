// The process chapter's scenarios beyond start and join: data isolation and a handle's attributes.
// Each runs the built-in scenario through a real host and checks its lesson in what the processes printed.
import { describe, expect, it } from 'vitest'
import { runLab } from '../helpers/lab'
import { onWindows } from '../helpers/platform'

describe('the process chapter', () => {
  it('data-isolation: the child changes its own copy of a variable; the parent still has 100', async () => {
    const run = await runLab({ scenario: 'data-isolation' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('seller')).toContain('child: I sold some; stock went from 100 to 70 in my memory')
    expect(run.lines('MainProcess')).toEqual([
      'main: stock is 100 before the child starts',
      'main: after the child ended, stock is still 100 in my memory',
      'side by side: main sees 100, the child saw 70: two processes, two copies',
    ])
    // Two processes really: the seller is a child of the lab main, with its own pid.
    expect(run.start('seller').ppid).toBe(run.start('MainProcess').pid)
  })

  it('data-isolation prints in Chinese when the run asks for it', async () => {
    const run = await runLab({ scenario: 'data-isolation', lang: 'zh' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('MainProcess').at(-1)).toBe('对照：主进程看到 100，子进程看到的是 70：两个进程，两份数据')
  })

  it('process-attributes: no pid before start, alive while running, exitCode only once join() saw the end', async () => {
    const run = await runLab({ scenario: 'process-attributes' })
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const pid = run.start('worker').pid
    const main = run.lines('MainProcess')
    expect(main[0]).toBe('created:    name=worker pid=null alive=false exitCode=null')
    expect(main[1]).toBe(`started:    name=worker pid=${pid} alive=true exitCode=null`)
    // Right after terminate() the handle has not seen the exit yet (the lesson: join to be sure).
    expect(main[2]).toBe('terminate() just returned: alive=true exitCode=null (the signal is on its way)')
    const code = onWindows ? run.exitCode('worker') : -15
    expect(run.exitCode('worker')).toBe(code)
    expect(main[3]).toBe(`after join(): alive=false exitCode=${String(code)} (minus the signal's number)`)
  })
})
