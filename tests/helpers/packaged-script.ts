// A TypeScript lab script for the packaged app's tests: its child reports which lab runtime it was
// started with and whether it runs on Electron as Node, which shows what the packaged layout loads.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface PackagedReport {
  /** The child's pid, the runtime file it runs, and Electron's version when the binary is Electron. */
  pid: number
  runtime: string
  electron: string | null
  exitCode: number
  main: string
  mainRuntime: string
}

const SOURCE = `import { Process, Queue, currentProcess } from 'proclab'
interface Report { pid: number; runtime: string; electron: string | null }
export async function report(queue: Queue): Promise<void> {
  const mine: Report = { pid: process.pid, runtime: process.argv[1], electron: process.versions.electron ?? null }
  await queue.put(mine)
}
export default async function main(): Promise<void> {
  const queue = new Queue()
  const child = new Process({ target: report, args: [queue], name: 'reporter' })
  await child.start()
  const got = (await queue.get()) as Report
  await child.join()
  console.log(\`REPORT \${JSON.stringify({ ...got, exitCode: child.exitCode, main: currentProcess().name, mainRuntime: process.argv[1] })}\`)
}
`

export function writeReportScript(dir: string): string {
  const file = join(dir, 'packaged.ts')
  writeFileSync(file, SOURCE)
  return file
}

export function readReport(stdout: string): PackagedReport | null {
  const line = stdout.split('\n').find((text) => text.includes('REPORT '))
  return line ? (JSON.parse(line.slice(line.indexOf('REPORT ') + 'REPORT '.length)) as PackagedReport) : null
}
