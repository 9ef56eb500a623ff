// `proclab ps`: one snapshot of the machine's processes, for terminals and scripts.
import { parseArgs } from 'node:util'
import type { SystemProcess } from '../../src-shared/contract'
import { createMonitor, processTreeOrder } from '../monitor'
import { UsageError } from './usage'

const SORTS = { cpu: (a: SystemProcess, b: SystemProcess) => b.cpu - a.cpu, mem: (a: SystemProcess, b: SystemProcess) => b.rss - a.rss, pid: (a: SystemProcess, b: SystemProcess) => a.pid - b.pid }

export async function psCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tree: { type: 'boolean' }, json: { type: 'boolean' }, sort: { type: 'string' }, filter: { type: 'string' } },
    strict: true,
  })
  const sortName = (values.sort ?? 'pid') as keyof typeof SORTS
  if (!(sortName in SORTS)) throw new UsageError(`--sort takes cpu, mem or pid, got '${values.sort}'`)
  const monitor = createMonitor()
  // CPU % needs two samples; the first one is the baseline.
  await monitor.list(new Set())
  await new Promise((resolve) => setTimeout(resolve, 500))
  let rows = (await monitor.list(new Set())).sort(SORTS[sortName])
  const filter = values.filter?.toLowerCase()
  if (filter) rows = rows.filter((row) => [row.name, row.command, row.user, String(row.pid)].some((field) => field.toLowerCase().includes(filter)))
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`)
    return 0
  }
  const lines = values.tree ? processTreeOrder(rows).map((item) => ({ row: item.process, indent: item.depth })) : rows.map((row) => ({ row, indent: 0 }))
  process.stdout.write(`${'PID'.padStart(7)} ${'PPID'.padStart(7)} ${'USER'.padEnd(10)} S ${'CPU%'.padStart(6)} ${'RSS MB'.padStart(8)}  COMMAND\n`)
  for (const { row, indent } of lines) {
    const command = `${'  '.repeat(indent)}${row.command || row.name}`
    process.stdout.write(`${String(row.pid).padStart(7)} ${String(row.ppid).padStart(7)} ${row.user.slice(0, 10).padEnd(10)} ${stateLetter(row)} ${row.cpu.toFixed(1).padStart(6)} ${(row.rss / 1048576).toFixed(1).padStart(8)}  ${command}\n`)
  }
  return 0
}

function stateLetter(row: SystemProcess): string {
  return { running: 'R', sleeping: 'S', 'disk-wait': 'D', stopped: 'T', zombie: 'Z', idle: 'I', unknown: '?' }[row.state]
}
