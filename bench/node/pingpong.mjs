// Calibration for `proclab bench`: the round trip of one small v8-serialised frame between two
// bare Node processes over a Unix socket (named pipe on Windows) — the floor under every ProcLab
// operation that waits for the broker. On an idle 2-core machine it is ~30-40 µs; a shared,
// loaded machine shows it plainly. Prints `BENCH {json}`.
import { fork } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'

if (process.argv[2] === 'echo') {
  const socket = connect(process.argv[3])
  socket.setNoDelay?.(true)
  socket.on('data', (data) => socket.write(data))
} else {
  const { roundTrips = 2000 } = JSON.parse(process.argv[2] ?? '{}')
  const path = process.platform === 'win32' ? `\\\\.\\pipe\\proclab-pingpong-${process.pid}` : join(tmpdir(), `proclab-pingpong-${process.pid}.sock`)
  const frame = () => {
    const body = serialize([{ op: 'reply', rid: 1, ok: true, value: true }])
    const out = Buffer.allocUnsafe(4 + body.length)
    out.writeUInt32BE(body.length, 0)
    body.copy(out, 4)
    return out
  }
  const server = createServer((socket) => {
    socket.setNoDelay?.(true)
    let done = 0
    const warmup = 100
    let t0 = 0
    let cpu = process.cpuUsage()
    socket.on('data', (data) => {
      deserialize(data.subarray(4))
      done++
      if (done === warmup) {
        t0 = performance.now()
        cpu = process.cpuUsage()
      }
      if (done === warmup + roundTrips) {
        const used = process.cpuUsage(cpu)
        console.log(`BENCH ${JSON.stringify({ workload: 'pingpong', roundTrips, roundTripUs: ((performance.now() - t0) * 1000) / roundTrips, cpuUsPerRoundTrip: (used.user + used.system) / roundTrips })}`)
        child.kill()
        server.close()
        return
      }
      socket.write(frame())
    })
    socket.write(frame())
  })
  server.listen(path)
  const child = fork(fileURLToPath(import.meta.url), ['echo', path], { stdio: 'ignore' })
}
