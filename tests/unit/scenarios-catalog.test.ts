// The built-in scenarios of the lock, queue and pipe chapters are listed, with a file and an
// English and Chinese title and lesson each.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SCENARIOS, findScenario, scenarioPath } from '../../src-main/scenarios/catalog'

const CHAPTER_SCENARIOS = [
  'printers-join',
  'printers-lock',
  'tickets-lock',
  'tickets-race',
  'value-counter',
  'manager-dict',
  'queue-basics',
  'flash-sale',
  'pipe-eof',
  'pipe-hang',
  'producer-consumer-timeout',
  'producer-consumer-sentinel',
  'producer-consumer-joinable',
  'producer-consumer-pipe',
  'pool-map',
  'pool-chunks',
]

describe('scenario catalog', () => {
  it('lists every lock, queue and pipe scenario once, each with its script and a lesson in English and Chinese', () => {
    const ids = SCENARIOS.map((s) => s.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of CHAPTER_SCENARIOS) {
      const scenario = findScenario(id)
      expect(scenario, id).toBeDefined()
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      const path = scenarioPath(scenario!)
      expect(existsSync(path), path).toBe(true)
      expect(readFileSync(path, 'utf8')).toMatch(/export default async function main\(/)
      for (const text of [scenario!.title, scenario!.lesson]) {
        expect(text.en.trim().length).toBeGreaterThan(0)
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/)
      }
    }
  })
})
