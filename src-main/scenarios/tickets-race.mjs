// Ticket grabbing WITHOUT a lock: the same JSON "database" with { count: 3 } and ten buyers, but
// read-wait-write is no longer protected. A barrier lets all buyers in at the same moment; they
// all read 3 before anyone has written, so they all "succeed" and write 2: ten tickets sold out of
// three, and the database still says 2 are left.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Barrier, Process, currentProcess, lang, sleep } from 'proclab'

const BUYERS = 10
const TICKETS = 3
/** The pause between reading and writing the count: much longer than the
 * spread of the buyers' reads, which the barrier keeps small. */
const SERVER_DELAY_MS = 300

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    bought: (me, count) => `${me} bought a ticket (count ${count} -> ${count - 1})`,
    tooLate: (me) => `${me} is too late: sold out`,
    go: `all ${BUYERS} buyers are at the door: go!`,
    left: (n) => `tickets left in the database: ${n} (started with ${TICKETS}). Count the "bought a ticket" lines: more than ${TICKETS} means the race oversold`,
  },
  zh: {
    bought: (me, count) => `${me} 买到了一张票（余票 ${count} -> ${count - 1}）`,
    tooLate: (me) => `${me} 来晚了：票已售罄`,
    go: `${BUYERS} 个买家都到门口了：开抢！`,
    left: (n) => `数据库里的余票：${n}（开始时 ${TICKETS} 张）。数一数“买到了一张票”的行：超过 ${TICKETS} 行就说明竞争导致超卖了`,
  },
}[lang]

function readCount(db) {
  return JSON.parse(readFileSync(db, 'utf8')).count
}

async function writeCount(db, count) {
  // Write a new file and rename it over the old one, so a reader never sees half a file.
  const next = `${db}.${process.pid}`
  writeFileSync(next, JSON.stringify({ count }))
  // Windows refuses (EPERM) a rename onto a file that another buyer is renaming onto at that moment: try again.
  for (let tries = 1; ; tries++) {
    try {
      return renameSync(next, db)
    } catch (error) {
      if (error.code !== 'EPERM' || tries === 50) throw error
      await sleep(5)
    }
  }
}

export async function buyer(db, atTheDoor) {
  const me = currentProcess().name
  await atTheDoor.wait()
  // No lock: nothing stops another buyer from reading the same count in the meantime.
  const count = readCount(db)
  await sleep(SERVER_DELAY_MS)
  if (count > 0) {
    await writeCount(db, count - 1)
    console.log(say.bought(me, count))
  } else {
    console.log(say.tooLate(me))
  }
}

export default async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-tickets-'))
  const db = join(dir, 'db.json')
  await writeCount(db, TICKETS)
  try {
    // A barrier as the starting gun: nobody reads before all buyers (and main) are at the door.
    const atTheDoor = new Barrier(BUYERS + 1, { name: 'at-the-door', timeout: 20_000 })
    const buyers = Array.from({ length: BUYERS }, (_, i) => new Process({ target: buyer, args: [db, atTheDoor], name: `buyer-${i + 1}` }))
    for (const b of buyers) await b.start()
    await atTheDoor.wait()
    console.log(say.go)
    for (const b of buyers) await b.join()
    console.log(say.left(readCount(db)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
