// Ticket grabbing with a lock. The "database" is a JSON file holding { count: 3 }; ten buyers
// want a ticket. Buying is read the count, talk to the "server" for a moment, write count - 1.
// The lock makes that read-wait-write one step that no other buyer can split: exactly three
// buyers succeed and the count ends at 0, never below.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Barrier, Lock, Process, currentProcess, lang, sleep } from 'proclab'

const BUYERS = 10
const TICKETS = 3
/** The pause between reading and writing the count (a network round trip, say). */
const SERVER_DELAY_MS = 300

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    sees: (me, n) => `${me} sees ${n} ticket(s) left`,
    bought: (me, count) => `${me} bought a ticket (count ${count} -> ${count - 1})`,
    tooLate: (me) => `${me} is too late: sold out`,
    go: `all ${BUYERS} buyers are at the door: go!`,
    left: (n) => `tickets left in the database: ${n} (started with ${TICKETS}); the lock let only ${TICKETS} buyers through`,
  },
  zh: {
    sees: (me, n) => `${me} 看到还剩 ${n} 张票`,
    bought: (me, count) => `${me} 买到了一张票（余票 ${count} -> ${count - 1}）`,
    tooLate: (me) => `${me} 来晚了：票已售罄`,
    go: `${BUYERS} 个买家都到门口了：开抢！`,
    left: (n) => `数据库里的余票：${n}（开始时 ${TICKETS} 张）；锁只放了 ${TICKETS} 个买家买到`,
  },
}[lang]

function readCount(db) {
  return JSON.parse(readFileSync(db, 'utf8')).count
}

function writeCount(db, count) {
  // Write a new file and rename it over the old one, so a reader never sees half a file.
  const next = `${db}.${process.pid}`
  writeFileSync(next, JSON.stringify({ count }))
  renameSync(next, db)
}

export async function buyer(db, lock, atTheDoor) {
  const me = currentProcess().name
  await atTheDoor.wait()
  console.log(say.sees(me, readCount(db)))
  await lock.withLock(async () => {
    const count = readCount(db)
    await sleep(SERVER_DELAY_MS)
    if (count > 0) {
      writeCount(db, count - 1)
      console.log(say.bought(me, count))
    } else {
      console.log(say.tooLate(me))
    }
  })
}

export default async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-tickets-'))
  const db = join(dir, 'db.json')
  writeCount(db, TICKETS)
  try {
    const lock = new Lock({ name: 'ticket-lock' })
    // A barrier as the starting gun: nobody reads before all buyers (and main) are at the door.
    const atTheDoor = new Barrier(BUYERS + 1, { name: 'at-the-door', timeout: 20_000 })
    const buyers = Array.from({ length: BUYERS }, (_, i) => new Process({ target: buyer, args: [db, lock, atTheDoor], name: `buyer-${i + 1}` }))
    for (const b of buyers) await b.start()
    await atTheDoor.wait()
    console.log(say.go)
    for (const b of buyers) await b.join()
    console.log(say.left(readCount(db)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
