// The editor marks an uncaught error on its line: found in the stack the lab runtime prints.
import { describe, expect, it } from 'vitest'
import { scriptErrors, type StderrLine } from '../../src-renderer/features/editor/errorLines'

const err = (lid: string, text: string): StderrLine => ({ lid, stream: 'stderr', text })

describe('scriptErrors', () => {
  it('takes the first frame in the script of each error, with the error as its message', () => {
    const lines: StderrLine[] = [
      { lid: 'p0', stream: 'stdout', text: 'at /x/lab/mine.mjs:1:1 is not a frame on stdout' },
      err('p1', 'Error in process Process-1 (pid 10):'),
      err('p1', 'Error: child boom'),
      err('p1', '    at boom (file:///home/u/.local/share/proclab/lab/mine.mjs:3:9)'),
      err('p1', '    at helper (file:///home/u/.local/share/proclab/lab/mine.mjs:7:3)'),
      err('p1', '    at Process.run (file:///app/out/main/lab.js:324:43)'),
      err('p0', 'Error in /home/u/.local/share/proclab/lab/mine.mjs:'),
      err('p0', 'TypeError: x is not a function'),
      err('p0', '    at runMain (file:///app/out/main/chunks/main.js:201:26)'),
      err('p0', '    at Module.main (/home/u/.local/share/proclab/lab/mine.mjs:12:5)'),
    ]
    const names: Record<string, string> = { p0: 'MainProcess', p1: 'Process-1' }
    expect(scriptErrors(lines, 'mine.mjs', (lid) => names[lid] ?? lid)).toEqual([
      { line: 3, column: 9, message: 'Error: child boom', process: 'Process-1' },
      { line: 12, column: 5, message: 'TypeError: x is not a function', process: 'MainProcess' },
    ])
  })

  it('ignores frames of another file with a name that ends the same, and Windows paths work', () => {
    const lines = [err('p0', 'Error: a'), err('p0', '    at f (C:\\lab\\not-mine.mjs:2:1)'), err('p0', 'Error: b'), err('p0', '    at g (C:\\Users\\u\\proclab\\lab\\mine.mjs:4:2)')]
    expect(scriptErrors(lines, 'mine.mjs', () => 'MainProcess')).toEqual([{ line: 4, column: 2, message: 'Error: b', process: 'MainProcess' }])
  })

  it('finds nothing in a clean run', () => {
    expect(scriptErrors([{ lid: 'p0', stream: 'stdout', text: 'hello' }], 'mine.mjs', () => 'x')).toEqual([])
  })
})
