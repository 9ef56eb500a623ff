// The first thing a lab process does, before it loads the runtime: connect both sockets to the
// broker, say who it is and, for a child, ask for its spec. The broker answers while the runtime's
// modules load (the larger part of a start) instead of after. Imports only what framing needs.
import { connect, type Socket } from 'node:net'
import { encodeFrame } from '../frame'
import type { Opening, UpMessage } from '../protocol'

/** The rid of the spec request sent here; the channel numbers its own requests after it. */
export const SPEC_RID = 1

export interface EarlyConnection {
  up: Socket
  down: Socket
}

export async function connectEarly(path: string, opening: Extract<Opening, { op: 'control' }>, askSpec: boolean): Promise<EarlyConnection> {
  const [up, down] = await Promise.all([connectTo(path), connectTo(path)])
  // Until the channel takes them over, 'close' (which the channel checks for) says what matters.
  up.on('error', () => undefined)
  down.on('error', () => undefined)
  up.setNoDelay?.(true)
  const spec: UpMessage = { op: 'spec', rid: SPEC_RID }
  // The opening must be alone in its frame; the request follows it in a frame of its own.
  up.write(askSpec ? Buffer.concat([encodeFrame([opening]), encodeFrame([spec])]) : encodeFrame([opening]))
  down.write(encodeFrame([{ op: 'down', lid: opening.lid, pid: opening.pid, token: opening.token } satisfies Opening]))
  down.unref()
  return { up, down }
}

function connectTo(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path)
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
  })
}
