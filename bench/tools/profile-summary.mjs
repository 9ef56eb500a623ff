// Summarises .cpuprofile files: self time by function (and by source file), highest first.
//   node bench/tools/profile-summary.mjs /tmp/prof/*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'

const args = process.argv.slice(2)
const topAt = args.indexOf('--top')
const top = topAt === -1 ? 25 : Number(args.splice(topAt, 2)[1])
for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length)
  for (const id of profile.samples) {
    const frame = byId.get(id).callFrame
    const key = `${frame.functionName || '(anonymous)'}  ${basename(frame.url || '')}:${frame.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + interval)
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const idle = self.get('(idle)  :0') ?? 0
  console.log(`\n== ${basename(file)}: ${(total / 1000).toFixed(0)} ms sampled, ${((total - idle) / 1000).toFixed(0)} ms busy`)
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`)
}
