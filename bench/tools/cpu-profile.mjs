// Profiling aid for `proclab bench` workloads (Node 20 refuses --cpu-prof in NODE_OPTIONS, and
// lab processes are spawned by the runtime, so flags cannot be added to them). Load it in every
// Node process of a run with
//   NODE_OPTIONS="--import /path/to/bench/tools/cpu-profile.mjs" PROCLAB_PROFILE_DIR=/tmp/prof \
//     PROCLAB_BENCH_PARAMS='{"n":100000}' node bin/proclab.js run bench/lab/queue.mjs
// and each process writes <dir>/<role>-<pid>.cpuprofile (open it in Chrome DevTools, or summarise
// with bench/tools/profile-summary.mjs) and <role>-<pid>.cpu.json (its user and system CPU time)
// when it exits. PROCLAB_PROFILE_CPU_ONLY=1 skips the sampling profiler (which costs CPU itself)
// and writes only the CPU times.
import { Session } from 'node:inspector'
import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.env.PROCLAB_PROFILE_DIR ?? '.'
const role = process.env.PROCLAB_ROLE ?? 'host'
const sampling = !process.env.PROCLAB_PROFILE_CPU_ONLY
const session = sampling ? new Session() : null
if (session) {
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 500 })
  session.post('Profiler.start')
}
process.on('exit', () => {
  mkdirSync(dir, { recursive: true })
  const cpu = process.cpuUsage()
  writeFileSync(join(dir, `${role}-${process.pid}.cpu.json`), JSON.stringify({ role, pid: process.pid, userMs: cpu.user / 1000, systemMs: cpu.system / 1000 }))
  // The in-thread inspector session answers synchronously, so this works inside 'exit'.
  session?.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(join(dir, `${role}-${process.pid}.cpuprofile`), JSON.stringify(result.profile))
  })
})
