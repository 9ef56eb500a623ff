// Step's gates in shared memory (issue 17): the slot table a process and the host agree on, and
// the script line a stopped process reports. The table is plain words here: the layout is the
// same in a segment (lab-step.test.ts steps real processes through one).
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HEADER_WORDS } from '../../src-main/lab/shm/segment'
import { claimSlot, GATE_SLOTS, gateAddressText, parseGateAddress, pidWord, slotsOf, SLOTS_USED } from '../../src-main/lab/step-layout'
import { scriptLine } from '../../src-main/lab/step-gate'

const table = () => new Int32Array(new SharedArrayBuffer((HEADER_WORDS + 1 + GATE_SLOTS * 2) * 4))

describe('the gate slots', () => {
  it('a pid keeps its first slot; a second claim for it (the host, the process) is read through the first', () => {
    const words = table()
    expect(claimSlot(words, 100)).toBe(0)
    expect(claimSlot(words, 200)).toBe(1)
    expect(claimSlot(words, 100)).toBe(0)
    // A claim that raced another for the same pid: both slots name it, the first is the one used.
    Atomics.store(words, pidWord(2), 100)
    Atomics.store(words, SLOTS_USED, 3)
    expect(slotsOf(words, 100)).toEqual([0, 2])
    expect(claimSlot(words, 100)).toBe(0)
  })

  it('gives no slot once all are taken', () => {
    const words = table()
    Atomics.store(words, SLOTS_USED, GATE_SLOTS)
    expect(claimSlot(words, 7)).toBe(null)
    expect(slotsOf(words, 7)).toEqual([])
  })

  it('reads back the address it writes, and nothing else', () => {
    expect(parseGateAddress(gateAddressText({ name: 'proclab-abc123', size: 69632 }))).toEqual({ name: 'proclab-abc123', size: 69632 })
    for (const text of [undefined, '', 'proclab-abc', 'other-abc:4096', 'proclab-abc:4096:1', 'proclab-a b:4096']) expect(parseGateAddress(text)).toBe(null)
  })
})

describe('the script line a stopped process reports', () => {
  it('is the first frame outside ProcLab and Node, as file:line', () => {
    // Paths of this OS (Windows' frames name C:\... files).
    const own = resolve('proclab', 'out')
    const url = (...parts: string[]) => pathToFileURL(resolve(...parts)).href
    const stack = [
      'Error',
      `    at tellStopped (${url('proclab', 'out', 'main', 'chunks', 'step-gate.js')}:60:50)`,
      `    at Queue.get (${url('proclab', 'out', 'main', 'lab.js')}:120:10)`,
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at weird (file:///a%2Fb.js:1:1)',
      `    at async nextItem (${url('lab', 'step.mjs')}:14:18)`,
      `    at consumer (${resolve('lab', 'step.mjs')}:11:5)`,
    ].join('\n')
    expect(scriptLine(stack, own)).toBe('step.mjs:14')
    expect(scriptLine(`Error\n    at Queue.get (${url('proclab', 'out', 'main', 'lab.js')}:1:1)`, own)).toBe(null)
  })
})
