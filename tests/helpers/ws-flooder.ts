// A WebSocket client that floods `proclab serve` with one command at a fixed rate, in a process of
// its own (so the flood's own cost does not land on the test's clock), and says on stdout, one JSON
// line each: when it started and stopped sending, and at the end whether every request got exactly
// one answer, how many were shed as 'busy', and how long the server took to answer the rest.
//
//   node --import tsx tests/helpers/ws-flooder.ts <ws url> <origin> <cmd> <args json> <per second> <ms>
import WebSocket from 'ws'

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
}

const [url, origin, cmd, argsJson, rateText, durationText] = process.argv.slice(2)
const rate = Number(rateText)
const durationMs = Number(durationText)
const args: unknown = JSON.parse(argsJson!)
const DRAIN_LIMIT_MS = 30_000

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

const ws = new WebSocket(url!, { origin })
const answers = new Map<number, number>()
let sent = 0
let answered = 0
let busy = 0
let duplicates = 0
let strangers = 0
let maxOutstanding = 0
let lastAnswerAt = 0
const otherErrors: Record<string, number> = {}

ws.on('message', (data) => {
  const message = JSON.parse(String(data)) as { type: string; id: number; ok: boolean; error?: { code: string } }
  if (message.type !== 'response') return
  lastAnswerAt = performance.now()
  if (message.id < 1 || message.id > sent) strangers++
  const seen = answers.get(message.id) ?? 0
  answers.set(message.id, seen + 1)
  if (seen > 0) duplicates++
  else answered++
  if (!message.ok && message.error?.code === 'busy') busy++
  else if (!message.ok) otherErrors[message.error?.code ?? '?'] = (otherErrors[message.error?.code ?? '?'] ?? 0) + 1
})

ws.once('open', () => {
  const started = performance.now()
  say({ event: 'started' })
  const tick = () => {
    const elapsed = performance.now() - started
    const due = Math.min(Math.floor((rate * elapsed) / 1000), Math.floor((rate * durationMs) / 1000))
    while (sent < due) {
      sent++
      ws.send(`{"id":${sent},"cmd":${JSON.stringify(cmd)},"args":${JSON.stringify(args)}}`)
    }
    maxOutstanding = Math.max(maxOutstanding, sent - answered)
    if (elapsed < durationMs) setTimeout(tick, 2)
    else void finish(performance.now())
  }
  tick()
})

async function finish(stoppedAt: number): Promise<void> {
  say({ event: 'stopped', sent })
  while (answered < sent && performance.now() - stoppedAt < DRAIN_LIMIT_MS) {
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
  }
  say(report)
  ws.close()
}
