import { parseArgs } from 'node:util'
import { SCENARIOS, scenarioInfo } from '../scenarios/catalog'

export async function scenariosCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true })
  if (values.json) {
    process.stdout.write(`${JSON.stringify(SCENARIOS.map(scenarioInfo), null, 2)}\n`)
    return 0
  }
  const width = Math.max(...SCENARIOS.map((s) => s.id.length))
  for (const scenario of SCENARIOS) {
    process.stdout.write(`${scenario.id.padEnd(width)}  ${scenario.title.en} — ${scenario.title.zh}\n${' '.repeat(width)}  ${scenario.lesson.en}\n`)
  }
  return 0
}
