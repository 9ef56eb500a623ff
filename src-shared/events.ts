// Every state change of a session is one event. The host stamps `seq` (gap-free, in arrival
// order) and `t` (microseconds since the session started, from the machine's monotonic clock,
// which all processes of one machine share).

export interface EventStamp {
  seq: number
  t: number
  /** The lab run the event belongs to; null for events outside any run. */
  runId: string | null
}

/** Identifies a lab process in events: `lid` is unique for the host's lifetime, pids get reused. */
export interface ProcessRef {
  lid: string
  pid: number
}

export type EventBody =
  | { kind: 'run.start'; title: string; source: string }
  | {
      kind: 'run.end'
      /** It ran to its end and its main exited 0. */
      ok: boolean
      /** Why it failed; null when it did not. */
      error: string | null
      durationUs: number
      /**
       * The user stopped it: not a failure. Absent in sessions recorded before ProcLab said so, which
       * gave error 'stopped by the user' instead (see runEndStopped).
       */
      stopped?: boolean
      /**
       * µs of durationUs the run spent paused (issue 17): its own elapsed time is durationUs minus
       * this. Absent in sessions recorded before pausing existed (none then).
       */
      pausedUs?: number
    }
  | (ProcessRef & {
      kind: 'process.start'
      ppid: number
      name: string
      daemon: boolean
      /** null for the run's lab main process (the tutorial's 主进程). */
      parentLid: string | null
      /** What it runs: the target export's name, a class name, or `main`. */
      target: string
    })
  | (ProcessRef & {
      kind: 'process.exit'
      /** Python's convention: the exit code, or minus the signal number; null if unknown. */
      exitCode: number | null
      signal: string | null
    })
  | (ProcessRef & { kind: 'stdout' | 'stderr'; line: string })
  | { kind: 'user.kill'; pid: number; lid: string | null; signal: string; ok: boolean; error: string | null }
  | { kind: 'user.join'; pid: number; lid: string; exitCode: number | null; timedOut: boolean }
  /** The user asked for a run (scenario id or script path); runId of the run it started, if any. */
  | { kind: 'user.run'; source: string; ok: boolean; error: string | null; startedRunId: string | null }
  | { kind: 'user.stop'; ok: boolean; stopped: boolean; error: string | null }
  | { kind: 'user.export'; session: string; format: string; ok: boolean; path: string | null; error: string | null }
  /** CPU (% of one core since the previous sample) and resident memory of the run's live lab processes. */
  | { kind: 'monitor.sample'; processes: Array<{ lid: string; pid: number; cpu: number; rss: number }> }
  /** A shared object (Lock, Queue, Pipe, ...) was created; `object` names it in later events. */
  | (ProcessRef & { kind: 'object.create'; object: string; type: SharedObjectType; name: string; capacity: number | null })
  /**
   * The lock events (folded in src-shared/folds/locks.ts): every request ends in exactly one of
   * acquire, timeout or cancel, and every acquire in one release or abandoned. An RLock entered
   * again by its owner sends request and acquire with `depth` (how deep it is held now, > 1); each
   * inner release sends release with the depth left (> 0). Sessions from before these rules have
   * no cancel (a dead waiter's exit ended its wait) and no re-entry acquire or inner release.
   */
  | (ProcessRef & ObjectRef & { kind: 'lock.request' })
  | (ProcessRef & ObjectRef & { kind: 'lock.acquire'; waitedUs: number; depth?: number })
  | (ProcessRef & ObjectRef & { kind: 'lock.release'; heldUs: number; depth?: number })
  | (ProcessRef & ObjectRef & { kind: 'lock.timeout'; waitedUs: number })
  /** A waiter gone before it was served: its process died or ended waiting. */
  | (ProcessRef & ObjectRef & { kind: 'lock.cancel'; waitedUs: number })
  /**
   * Holds of a shared-memory Lock a process took faster than it could report them one by one:
   * exact counts instead of events (their holds are not drawn, their times not measured). See
   * docs/shared-memory.md.
   */
  | (ProcessRef & ObjectRef & { kind: 'lock.summary'; acquires: number; releases: number })
  /** Its holder died holding it; ProcLab released it (Python would leave it locked forever). */
  | (ProcessRef & ObjectRef & { kind: 'lock.abandoned'; heldUs: number })
  /**
   * `count`: this event stands for that many operations of one process (absent: one), summarised
   * because they came faster than one event each is worth (a queue in shared memory); `depth` is
   * the depth after the last of them.
   */
  | (ProcessRef & ObjectRef & { kind: 'queue.put' | 'queue.get'; depth: number; count?: number })
  | (ProcessRef & ObjectRef & { kind: 'queue.full' | 'queue.empty'; depth: number })
  /**
   * One message, or (shared-memory pipes) a summary of `count` messages read from the ring's exact
   * counters; `bytes` sums those sent with sendBytes, `sized` says how many of them there were.
   */
  | (ProcessRef & ObjectRef & { kind: 'pipe.send' | 'pipe.recv'; end: 0 | 1; bytes: number | null; count?: number; sized?: number })
  | (ProcessRef & ObjectRef & { kind: 'pipe.close'; end: 0 | 1 })
  | (ProcessRef & ObjectRef & { kind: 'pipe.eof'; end: 0 | 1 })
  /**
   * A Value's or an Array's accesses so far, counted exactly in its shared memory (no message per
   * access) and read by the broker a few times a second and at run end: totals, not increments.
   * `acquires` counts holds of its getLock(), `contended` the acquires that found it taken.
   */
  | (ProcessRef & ObjectRef & { kind: 'value.counts'; reads: number; writes: number; acquires: number; contended: number })
  // ── Manager proxies (issue 16, Manager): a dict, list or Namespace held by the broker ──────────
  /**
   * One operation on a Manager's dict, list or Namespace proxy: every read and write is a call to
   * the broker, which holds the data. `op` is the proxy method ('get', 'set', 'append', ...); `key`
   * what it touched, as text (a dict key as Python would print it, a list index, an attribute
   * name; null: the whole object); `size` the entries it holds after the call.
   */
  | (ProcessRef & ObjectRef & { kind: 'manager.read'; op: string; key: string | null; size: number })
  /**
   * A write also carries the contents after it, as short text previews: the first entries of it
   * (at most MANAGER_SHOWN), `more` saying how many were left out. `entries` is absent when they are
   * the same as in the object's previous write (an append to a long list, a set past the first
   * keys): a write costs the log a few bytes, not the whole preview. After `op: 'shutdown'` it holds nothing.
   */
  | (ProcessRef & ObjectRef & { kind: 'manager.write'; op: string; key: string | null; size: number; entries?: ManagerEntry[]; more: number })
  /** A call the broker refused (a missing key, an index out of range, a shut-down manager): nothing changed. */
  | (ProcessRef & ObjectRef & { kind: 'manager.refused'; op: string; key: string | null; error: string })
  // ── Pool (issue 16, the Pool's UI) ─────────────────────────────────────────────────────────────
  // A Pool is an object of type 'pool' (its object.create: capacity = its workers, lid = the process
  // that made it, its owner). The owner keeps the pool's state and reports it in batches, a few
  // times a second and before it exits (lab/pool-telemetry.ts), stamped with the times it measured:
  // a chunk starts when the owner hands it to an idle worker and ends when its answer is back. Counts
  // are in tasks (one call of the function); a chunk is the tasks one worker runs for one message.
  /** Tasks were submitted (map, starMap, imap, apply, ...): `tasks` calls cut into `chunks` of at most `chunkSize`. The owner's lid. */
  | (ProcessRef & ObjectRef & { kind: 'pool.queued'; tasks: number; chunks: number; chunkSize: number })
  /** Worker (lid, pid) started chunk number `chunk` of `tasks` tasks. Ends in one pool.done or pool.failed of the same chunk. */
  | (ProcessRef & ObjectRef & { kind: 'pool.start'; chunk: number; tasks: number })
  | (ProcessRef & ObjectRef & { kind: 'pool.done'; chunk: number; tasks: number })
  /**
   * The chunk's `tasks` failed with `error` (its first failing call's message, or why its worker
   * ended). A chunk that no worker started (the pool was terminated or broken) fails with the
   * owner's lid and no pool.start before it.
   */
  | (ProcessRef & ObjectRef & { kind: 'pool.failed'; chunk: number; tasks: number; error: string })
  /**
   * `chunks` chunks that worker (lid, pid) started and ended between two reports, too many to report
   * one by one: exact counts of their tasks done and failed, from t − durationUs (the first one's
   * start) to t (the last one's end). `error`: the first failure's message, or null.
   */
  | (ProcessRef & ObjectRef & { kind: 'pool.summary'; chunks: number; done: number; failed: number; durationUs: number; error: string | null })
  /**
   * A worker process started (lid, pid: the worker's). `replaces`: the lid of the worker it takes
   * the place of, with `reason` why that one ended: it ran maxTasksPerChild chunks, or it exited
   * (killed, crashed); null for the pool's first workers.
   */
  | (ProcessRef & ObjectRef & { kind: 'pool.worker'; replaces: string | null; reason: 'maxTasksPerChild' | 'exited' | null })
  /** close() (the workers end once the work is done) or terminate() (they end now, work not done fails). The owner's lid. */
  | (ProcessRef & ObjectRef & { kind: 'pool.close'; terminated: boolean })
  // ── end of Pool ──────────────────────────────────────────────────────────────────────────────
  /** Something the supervisor itself has to tell (a refused spawn, a script that failed to load). */
  | { kind: 'lab.error'; message: string }
  /**
   * The session log could not be written (a full disk, a read-only folder): recording stopped, the
   * run goes on. `error` is the reason as the OS gives it, e.g. "no space left on device (ENOSPC)".
   * Never in a session file itself; it tells the UIs.
   */
  | { kind: 'session.stopped'; file: string; error: string }
  // ---- Issue 16, real zombies and orphans (branch i16-zombie) ----
  /**
   * A lab process started a plain OS process that only it reaps (`spawnUnreaped`): not a lab
   * process (no broker, no shared objects), shown under its parent in the Lab tree until its os.exit.
   */
  | (ProcessRef & { kind: 'os.start'; ppid: number; parentLid: string; command: string })
  /**
   * That OS process is gone from the OS's table. `reapedBy` 'parent': its lab parent reaped it and
   * reported its exit (Python's convention); 'other': its parent ended first and whoever adopted it
   * reaped it (or the run's end did), so its exit code is unknown (null).
   */
  | (ProcessRef & { kind: 'os.exit'; exitCode: number | null; signal: string | null; reapedBy: 'parent' | 'other' })
  /** The OS shows a process of the run as a zombie (state Z): it has exited and its parent, `ppid`, has not reaped it yet. */
  | (ProcessRef & { kind: 'process.zombie'; ppid: number })
  /**
   * A process of the run has a new parent pid: its parent ended and the OS handed it to another
   * (init, or the nearest subreaper above it). `newParentName` is that process's program, if it could be read.
   */
  | (ProcessRef & { kind: 'process.reparent'; oldPpid: number; newPpid: number; newParentName: string | null })
  // ---- end of issue 16, zombies and orphans ----
  // ---- Issue 16, what a process is blocked on (branch i16-waits) ----
  // A lab process blocked in a lab call other than a lock's (whose waits are the lock events):
  // folded in src-shared/folds/activity.ts. Cheap by design: a wait is reported only once it has
  // lasted WAIT_REPORT_MS (the lab side reports it when it is about to sleep past that; a call
  // that returns sooner sends nothing), so a busy queue sends no more than before.
  /**
   * Process (lid, pid) has been blocked for `waitedUs` in `on`: a Queue's get (empty), put (full) or
   * a JoinableQueue's join; a Pipe's recv (nothing to read) or send (its ring full); join() of
   * process `target` (a lid); Event, Condition or Barrier wait; or proclab's sleep(). `object`: the
   * shared object's id (null for join and sleep). `timeoutMs`: the limit it was given (null: none).
   * `wait` numbers the process's waits (an async process may wait on several at once); it ends
   * in exactly one process.resume with the same lid and `wait`.
   */
  | (ProcessRef & { kind: 'process.wait'; wait: number; on: 'queue.get' | 'queue.put' | 'queue.join' | 'pipe.recv' | 'pipe.send' | 'join' | 'event' | 'condition' | 'barrier' | 'sleep'; object: string | null; target: string | null; timeoutMs: number | null; waitedUs: number })
  /**
   * That wait ended after `waitedUs` in all: 'done' (served: an item, a message, the child's
   * exit, the flag set, the sleep over), 'timeout' (the limit ran out: Empty, Full, false from a
   * wait), 'error' (it threw: EOFError, a broken barrier, ...), or 'gone' (its process died or
   * disconnected while waiting: the broker ends the wait, as lock.cancel does a lock's).
   */
  | (ProcessRef & { kind: 'process.resume'; wait: number; outcome: 'done' | 'timeout' | 'error' | 'gone'; waitedUs: number })
  // ---- end of issue 16, what a process is blocked on ----
  // ---- Issue 17, deadlocks named (branch i17-deadlock) ----
  /**
   * Processes of the run wait for each other's locks and none can ever go on: `cycle[i]` (a
   * process) waits for the Lock, RLock or Semaphore `cycle[i].waitsFor`, which `cycle[i + 1]` holds
   * (the last link's object is held by the first link's process; one link: a process waits for a
   * Lock it holds itself). `stuck`: lids of other processes that can never go on either because
   * they wait behind the cycle. Found by the broker's wait-for graph (supervisor/wait-for.ts);
   * `deadlock` numbers it for the host's lifetime and ends in exactly one deadlock.cleared.
   */
  | { kind: 'deadlock.found'; deadlock: number; cycle: DeadlockLink[]; stuck: string[] }
  /**
   * That deadlock is over: process `by` of its cycle stopped waiting, because it died or was
   * killed ('gone', also when its run ended) or its wait ended otherwise ('resumed': its timeout ran out, or
   * a process outside the cycle released the lock it waited for).
   */
  | { kind: 'deadlock.cleared'; deadlock: number; by: string; reason: 'gone' | 'resumed' }
  /**
   * Process (lid, pid) waits in a Pipe's recv (its open wait `wait`, a process.wait before this) and
   * nothing can ever arrive: it holds the pipe's other end itself and no other live process does,
   * and nothing is buffered for it. Only a send of its own could serve it (the pipe-hang mistake:
   * a reader that keeps its copy of the write end open). Ends with that wait's process.resume. A
   * Queue's get is never named so: the broker cannot know every process that holds a queue.
   */
  | (ProcessRef & { kind: 'process.stuck'; wait: number; on: 'pipe.recv'; object: string })
  // ---- end of issue 17, deadlocks named ----
  // ---- Issue 17, pause the world (branch i17-pause) ----
  /**
   * The user paused the run: every process of it was stopped where it was (POSIX: SIGSTOP to the
   * run's process group and to each of its processes; Windows: NtSuspendProcess), `processes` of
   * them. From here the broker grants nothing: what lab processes sent (lock grants, queue
   * hand-offs, waits) and the deaths it learns of are held, and handled in order at the resume.
   * The run's clock stops: the time until the resume does not count in its elapsed time.
   */
  | { kind: 'run.paused'; processes: number }
  /**
   * The run goes on: exactly one per run.paused. `pausedUs`: how long it was paused. `held`: what
   * the broker held meanwhile (messages of lab processes, connections that closed, events of its
   * own objects such as a timeout), handled now in the order it came; its events follow this one. `reason`:
   * 'user' (Resume), 'stop' (the user stopped the paused run: it resumes to end), 'end' (the run
   * ended while paused: its lab main was killed).
   */
  | { kind: 'run.resumed'; pausedUs: number; held: number; reason: PauseEnd }
  /**
   * Step (issue 17): while the run is paused, the user let this one process go on until it comes
   * to its next lab operation. The broker handles its messages (and only its) meanwhile. Ends with
   * its process.at, its process.exit, or the run's resume.
   */
  | (ProcessRef & { kind: 'run.step' })
  /**
   * A stepped process stopped again, just before lab operation `op` (such as 'queue.get',
   * 'lock.acquire'), on `object` (its id; null for none). `line`: where in the script it was called
   * ("file:line"), when the runtime can tell. The operation has not happened yet: the next step
   * does it. What the process did since its run.step is in the events between the two.
   */
  | (ProcessRef & { kind: 'process.at'; op: StepOp; object: string | null; line: string | null })
  /**
   * While paused: what a queue holds, or a pipe's messages on their way to end `part` (0 or 1; a
   * queue's part is null): the first (up to ITEMS_SHOWN) as short text (Python-repr-like previews,
   * never the data itself) and how many there are. For every queue and pipe of the run at the
   * pause and after each step, so the paused view (and a replay) shows them.
   */
  | { kind: 'object.items'; object: string; part: number | null; items: string[]; total: number }
  // ---- end of issue 17, pause the world ----

export type LabEvent = EventBody & EventStamp
export type EventKind = LabEvent['kind']
export type EventOf<K extends EventKind> = Extract<LabEvent, { kind: K }>

/** One line of a process's output. */
export type LineEvent = EventOf<'stdout' | 'stderr'>

export function isLineEvent(event: { kind: string }): event is LineEvent {
  return event.kind === 'stdout' || event.kind === 'stderr'
}

/**
 * Output lines of one process that a UI was not sent: a flood prints far more than anyone can read,
 * and every line sent costs the page as much as it costs the host. Counted, so totals stay exact,
 * and placed where the first of them was (its seq and t). Only in frames and snapshots: the session
 * log keeps every line.
 */
export interface OutputGap extends EventStamp, ProcessRef {
  kind: 'output.gap'
  count: number
}

/** What UIs are sent: the host's events, with runs of a flood's lines folded into gaps. */
export type FrameEvent = LabEvent | OutputGap

export type SharedObjectType = 'lock' | 'rlock' | 'semaphore' | 'bounded-semaphore' | 'event' | 'condition' | 'barrier' | 'queue' | 'joinable-queue' | 'simple-queue' | 'pipe' | 'value' | 'array' | 'pool' | ManagedType

/** Which shared object an event is about: its id (unique per host), as named in its object.create. */
export interface ObjectRef {
  object: string
}

/** The error text with which sessions recorded before run.end had `stopped` marked a stopped run. */
const FORMER_STOP_ERROR = 'stopped by the user'

/** Whether the user stopped this run, in a session of any version. */
export function runEndStopped(event: Pick<EventOf<'run.end'>, 'stopped' | 'error'>): boolean {
  return event.stopped ?? event.error === FORMER_STOP_ERROR
}

// ── Manager proxies (issue 16, Manager) ────────────────────────────────────────────────────────
/** What a Manager makes: Python's manager.dict(), manager.list() and manager.Namespace(). */
export type ManagedType = 'dict' | 'list' | 'namespace'

/** One entry of a managed object as events show it: `key` and `value` are previews, not the data. */
export interface ManagerEntry {
  key: string
  value: string
}

/** Entries a manager.write event carries at most; the rest are counted in its `more`. */
export const MANAGER_SHOWN = 20

// ---- Issue 16, what a process is blocked on (branch i16-waits) ----
/** What a process.wait says a process is blocked in. */
export type WaitOn = EventOf<'process.wait'>['on']
export type WaitOutcome = EventOf<'process.resume'>['outcome']
export const WAIT_ONS: readonly WaitOn[] = ['queue.get', 'queue.put', 'queue.join', 'pipe.recv', 'pipe.send', 'join', 'event', 'condition', 'barrier', 'sleep']
export const WAIT_OUTCOMES: readonly WaitOutcome[] = ['done', 'timeout', 'error', 'gone']
/** A lab call blocked for less than this is never reported as a wait (see process.wait). */
export const WAIT_REPORT_MS = 5
// ---- end of issue 16, what a process is blocked on ----

// ---- Issue 17, deadlocks named (branch i17-deadlock) ----
/** One step of a deadlock's cycle: process (lid, pid) waits for object `waitsFor`, held by the next step's process. */
export interface DeadlockLink extends ProcessRef {
  waitsFor: string
}
// ---- end of issue 17, deadlocks named ----

// ---- Issue 17, pause the world (branch i17-pause) ----
/** How many of a queue's first items (or a pipe's messages) object.items shows. */
export const ITEMS_SHOWN = 10

/** The lab operations a stepped process stops before (process.at's `op`). */
export const STEP_OPS = ['lock.acquire', 'lock.release', 'queue.put', 'queue.get', 'pipe.send', 'pipe.recv', 'event.wait', 'event.set', 'condition.wait', 'condition.notify', 'barrier.wait'] as const
export type StepOp = (typeof STEP_OPS)[number]

/** Why a pause ended (run.resumed's `reason`). */
export type PauseEnd = 'user' | 'stop' | 'end'
// ---- end of issue 17, pause the world ----
