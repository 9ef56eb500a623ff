// Output of every lab process arrives at the host line by line, from children and grandchildren,
// from JavaScript and from anything else that writes to the process's stdout/stderr.
import { describe, expect, it } from 'vitest'
import { runSource } from '../helpers/lab'
import { shellEcho } from '../helpers/platform'

describe('captured output', () => {
  it('splits stdout and stderr into lines per process, keeps Chinese text, and catches writes below JavaScript', async () => {
    const run = await runSource(`
      import { Process } from 'proclab'
      import { execFileSync } from 'node:child_process'
      import { writeSync } from 'node:fs'
      export async function grand() { console.log('孙进程 says hi') }
      export async function child(name) {
        console.log(name + ' is running')
        console.error('a warning from ' + name)
        process.stdout.write('partial ')
        process.stdout.write('line\\nsecond\\r\\n')
        writeSync(1, 'raw fd write\\n')
        execFileSync(...${JSON.stringify(shellEcho('from a shell'))}, { stdio: 'inherit' })
        const g = new Process({ target: grand }); await g.start(); await g.join()
        console.log(name + ' is done')
      }
      export default async function main() {
        const p = new Process({ target: child, args: ['小黑'] }); await p.start(); await p.join()
      }
    `)
    expect(run.end.ok).toBe(true)
    const lines = run.lines('Process-1')
    expect(lines).toEqual(expect.arrayContaining(['小黑 is running', 'a warning from 小黑', 'partial line', 'second', 'raw fd write', 'from a shell', '小黑 is done']))
    expect(lines.indexOf('小黑 is running')).toBeLessThan(lines.indexOf('小黑 is done'))
    expect(run.lines('Process-1:1')).toEqual(['孙进程 says hi'])
    const stderr = run.events.filter((e) => e.kind === 'stderr').map((e) => (e.kind === 'stderr' ? e.line : ''))
    expect(stderr).toEqual(['a warning from 小黑'])
    // Every line of a process comes before that process's exit event.
    const exitSeq = run.exits.get('Process-1')!.seq
    for (const e of run.events) if ((e.kind === 'stdout' || e.kind === 'stderr') && e.lid === run.start('Process-1').lid) expect(e.seq).toBeLessThan(exitSeq)
  })

  it('runs TypeScript lab scripts from a folder outside the project', async () => {
    const run = await runSource(
      `
      import { Process, currentProcess } from 'proclab'
      interface Job { id: number; label: string }
      export async function work(job: Job): Promise<void> { console.log(\`job \${job.id} \${job.label} in \${currentProcess().name}\`) }
      export default async function main(): Promise<void> {
        const p = new Process({ target: work, args: [{ id: 3, label: '任务' } satisfies Job] })
        await p.start(); await p.join()
      }
    `,
      {},
      'lab.ts',
    )
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    expect(run.lines('Process-1')).toEqual(['job 3 任务 in Process-1'])
  })

  it('keeps the tail of a big print that is still queued when the process ends', async () => {
    // 4 MB in one write is far more than a socket buffer holds: most of it is still queued inside
    // the child when its target returns, and must not be dropped by the exit.
    const run = await runSource(`
      import { Process } from 'proclab'
      export async function printer(count) {
        let block = ''
        for (let n = 0; n < count; n++) block += 'line ' + n + ' ' + 'x'.repeat(30) + '\\n'
        process.stdout.write(block)
        process.stdout.write('last line')
      }
      export default async function main() {
        const p = new Process({ target: printer, args: [100000] }); await p.start(); await p.join()
        process.stdout.write('main: ' + 'y'.repeat(2_000_000) + '\\nmain done')
      }
    `)
    expect(run.end.ok, run.end.error ?? '').toBe(true)
    const lines = run.lines('Process-1')
    expect(lines.length).toBe(100_001)
    expect(lines[99_999]).toMatch(/^line 99999 x+$/)
    expect(lines.at(-1)).toBe('last line')
    expect(run.lines('MainProcess').at(-1)).toBe('main done')
  })
})
