// The editor offers a variable's members by the class the script shows it holds.
import { describe, expect, it } from 'vitest'
import { classOfVariable } from '../../src-renderer/features/editor/receiverClass'

const CLASSES = new Set(['Lock', 'Queue', 'Process'])
const isClass = (name: string) => CLASSES.has(name)

describe('classOfVariable', () => {
  it('reads new X(…), a typed parameter or const, and the class itself', () => {
    const text = `const gate = new Lock()\nlet q: Queue = new Queue(3)\nexport async function task(jobs: Queue, done?: Lock) {}\nconst p = await new Process({ target: task })`
    expect(classOfVariable(text, 'gate', isClass)).toBe('Lock')
    expect(classOfVariable(text, 'q', isClass)).toBe('Queue')
    expect(classOfVariable(text, 'jobs', isClass)).toBe('Queue')
    expect(classOfVariable(text, 'done', isClass)).toBe('Lock')
    expect(classOfVariable(text, 'p', isClass)).toBe('Process')
    expect(classOfVariable(text, 'Process', isClass)).toBe('Process')
  })

  it('says nothing for a variable it cannot place, or of a class outside the API', () => {
    const text = `const m = new Map()\nconst x = make()\nconst $a = 1`
    expect(classOfVariable(text, 'm', isClass)).toBeNull()
    expect(classOfVariable(text, 'x', isClass)).toBeNull()
    expect(classOfVariable(text, '$a', isClass)).toBeNull()
    expect(classOfVariable(text, 'missing', isClass)).toBeNull()
  })
})
