// The lab socket attack tests judge "the host closed it at once" with rawClient's grace. The host
// runs in the test's own process there, so a stalled event loop must not read as "left open".
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { rawClient } from '../helpers/lab-socket'
import { onWindows } from '../helpers/platform'

function socketPath(): string {
  const name = `proclab-raw-client-${process.pid}`
  return onWindows ? `\\\\.\\pipe\\${name}` : join(tmpdir(), `${name}.sock`)
}

it('counts a close that a stalled event loop delayed past the grace as closed, and a socket left open as open', async () => {
  const stallMs = 700
  const server = createServer((socket) =>
    socket.on('data', (data) => {
      if (data.toString() === 'keep') return
      const end = Date.now() + stallMs
      while (Date.now() < end); // the loop stalls past the grace, then the host closes
      socket.destroy()
    }),
  )
  const path = socketPath()
  await new Promise<void>((resolve) => server.listen(path, resolve))
  try {
    expect(await rawClient(path, [Buffer.from('close')], 200)).toEqual({ connected: true, closedByHost: true })
    expect(await rawClient(path, [Buffer.from('keep')], 200)).toEqual({ connected: true, closedByHost: false })
  } finally {
    server.close()
  }
})
