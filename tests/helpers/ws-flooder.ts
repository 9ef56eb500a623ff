// A WebSocket client that floods `proclab serve` with one command at a fixed rate, in bursts, in a
// process of its own (so the flood's own cost does not land on the test's clock), until its stdin closes (or a
// safety cap passes), and says on stdout, one JSON line each: when it started and stopped sending,
// and at the end whether every request got exactly one answer, how many were shed as 'busy', and
// within which interval each answer that was not shed arrived, on a clock other processes share:
// the test counts how many of the flood's answers came while a request of its own waited.
//
//   node --import tsx tests/helpers/ws-flooder.ts <ws url> <origin> <cmd> <args json> <per second> <burst> <max ms>
import { connect, type NetConnectOpts, type Socket } from 'node:net'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'

/** Epoch ms with sub-ms precision, comparable between processes of this machine. */
export const sharedClockMs = (): number => performance.timeOrigin + performance.now()

/** When a message reached this process's socket: at or after `earliest`, at or before `latest`. */
export interface Arrival {
  earliest: number
  latest: number
}

/** Node reads a socket into buffers of this size: a read that does not fill one has emptied the socket. */
const READ_BUFFER_BYTES = 64 * 1024
/** How often a process notes that it is running: the width of an arrival's interval when it is. */
const HEARTBEAT_MS = 2

/**
 * Brackets when messages read from one socket arrived. A process stamps a message only when it gets
 * to read it, which on a busy machine may be long after it came: so the stamp is only the latest
 * the message could have arrived. For the earliest, the process notes every HEARTBEAT_MS that it is
 * running; the event loop then polls the socket once before it runs that note's setImmediate
 * callback, and if that poll left the socket empty, whatever is read later came after the note. A
 * process that was not running for a while so says it cannot tell when in that while its messages
 * came, rather than count them late.
 */
export class ArrivalClock {
  /** 0 until a poll has emptied the socket: the first messages may have come at any time. */
  private earliest = 0
  private socket: Socket | null = null
  private readSinceNote = false
  private lastReadFull = false
  private readonly heartbeat = setInterval(() => this.note(), HEARTBEAT_MS).unref()

  /** Sees each read of the socket (before ws makes messages of it); returns the socket. */
  watch(socket: Socket): Socket {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.readSinceNote = true
      this.lastReadFull = chunk.length >= READ_BUFFER_BYTES
    })
    return socket
  }

  /** Stamps a message just read from the watched socket. */
  arrived(): Arrival {
    return { earliest: this.earliest, latest: sharedClockMs() }
  }

  stop(): void {
    clearInterval(this.heartbeat)
  }

  private note(): void {
    const noted = sharedClockMs()
    this.readSinceNote = false
    setImmediate(() => {
      // The poll since the note either read the socket dry, or found nothing to read (unless ws had
      // paused reading, which leaves what came in the kernel's buffer).
      const emptied = this.readSinceNote ? !this.lastReadFull : this.socket !== null && !this.socket.isPaused()
      if (emptied) this.earliest = Math.max(this.earliest, noted)
    })
  }
}

/** A WebSocket client whose socket `clock` watches: made here, so the clock sees every read of it. */
export function watchedWebSocket(url: string, origin: string, clock: ArrivalClock): WebSocket {
  const createConnection = (options: NetConnectOpts) => clock.watch(connect(options))
  return new WebSocket(url, { origin, createConnection: createConnection as typeof connect })
}

export interface FloodReport {
  event: 'done'
  sent: number
  answered: number
  busy: number
  /** Answers with another error code, by code. */
  otherErrors: Record<string, number>
  /** Ids answered more than once, and answers for ids never sent. */
  duplicates: number
  strangers: number
  /** Requests sent but unanswered, at most, at any moment of the flood. */
  maxOutstanding: number
  /** From the last request sent to the last answer received; null if some never came. */
  drainMs: number | null
  /** When each ok answer (not shed as 'busy') arrived, in arrival order: both lists never decrease. */
  okArrivals: { earliest: number[]; latest: number[] }
}

/** The start of an answer as the server writes it (protocol.ts responseText): `{"type":"response","id":7,"ok":true,`. */
const ANSWER_HEAD = /^\{"type":"(\w+)","id":(-?\d+),"ok":(true|false)\b/

/**
 * What the flooder needs of a message. An ok answer is read from its head only: a monitor table is
 * ~10 kB, and parsing thousands of them would make this process the bottleneck, holding the
 * server's answers in its buffers (where they would reach us late, as if the server were unfair).
 */
function readMessage(data: Buffer): { type: string; id: number; ok: boolean; error?: { code: string } } {
  const head = ANSWER_HEAD.exec(data.toString('utf8', 0, 64))
  if (head?.[3] === 'true') return { type: head[1]!, id: Number(head[2]), ok: true }
  return JSON.parse(data.toString('utf8')) as { type: string; id: number; ok: boolean; error?: { code: string } }
}

/**
 * After the flood, the flooder waits for its answers as long as they keep coming; once none has come
 * for this long, it reports the missing ones. A deadline for "never answered", not a speed: a server
 * given a sliver of the CPU still answers something every few seconds.
 */
const STALL_LIMIT_MS = 30_000

function flood(argv: string[]): void {
  const [url, origin, cmd, argsJson, rateText, burstText, maxText] = argv
  const rate = Number(rateText)
  const burst = Number(burstText)
  const maxMs = Number(maxText)
  const args: unknown = JSON.parse(argsJson!)
  const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

  const clock = new ArrivalClock()
  const ws = watchedWebSocket(url!, origin!, clock)
  const answers = new Map<number, number>()
  const okArrivals: FloodReport['okArrivals'] = { earliest: [], latest: [] }
  let sent = 0
  let answered = 0
  let busy = 0
  let duplicates = 0
  let strangers = 0
  let maxOutstanding = 0
  let lastAnswerAt = 0
  let stopAsked = false
  const otherErrors: Record<string, number> = {}

  // The test closes our stdin when it has asked all it wanted to ask during the flood.
  process.stdin.resume()
  process.stdin.once('end', () => (stopAsked = true))

  ws.on('message', (data: WebSocket.RawData) => {
    const arrival = clock.arrived()
    const message = readMessage(data as Buffer)
    if (message.type !== 'response') return
    lastAnswerAt = performance.now()
    if (message.id < 1 || message.id > sent) strangers++
    const seen = answers.get(message.id) ?? 0
    answers.set(message.id, seen + 1)
    if (seen > 0) duplicates++
    else answered++
    if (message.ok) {
      okArrivals.earliest.push(arrival.earliest)
      okArrivals.latest.push(arrival.latest)
    } else if (message.error?.code === 'busy') busy++
    else otherErrors[message.error?.code ?? '?'] = (otherErrors[message.error?.code ?? '?'] ?? 0) + 1
  })

  ws.once('open', () => {
    const started = performance.now()
    say({ event: 'started' })
    const tick = () => {
      const elapsed = performance.now() - started
      // Sends `burst` requests at once, the next burst as soon as the rate allows (and all that are
      // due, if this process got the CPU late): whatever a server gets right after a burst, it gets
      // behind a burst's worth of this flood, however fast that server is.
      const due = (Math.floor((rate * Math.min(elapsed, maxMs)) / 1000 / burst) + 1) * burst
      while (sent < due) {
        sent++
        ws.send(`{"id":${sent},"cmd":${JSON.stringify(cmd)},"args":${JSON.stringify(args)}}`)
      }
      maxOutstanding = Math.max(maxOutstanding, sent - answered)
      if (!stopAsked && elapsed < maxMs) setTimeout(tick, 2)
      else void finish(performance.now())
    }
    tick()
  })

  async function finish(stoppedAt: number): Promise<void> {
    say({ event: 'stopped', sent })
    while (answered < sent && performance.now() - Math.max(stoppedAt, lastAnswerAt) < STALL_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const report: FloodReport = {
      event: 'done',
      sent,
      answered,
      busy,
      otherErrors,
      duplicates,
      strangers,
      maxOutstanding,
      drainMs: answered < sent ? null : Math.max(0, Math.round(lastAnswerAt - stoppedAt)),
      okArrivals,
    }
    say(report)
    clock.stop()
    ws.close()
    process.stdin.destroy()
  }
}

// The test imports this file's clock and types; only a run of its own floods.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) flood(process.argv.slice(2))
