// The `proclab` module: what lab scripts import. Python's multiprocessing, in TypeScript.
export { Process, type ProcessOptions, type Target } from './process'
export { lang, type LabLanguage } from './language'
export { currentProcess, parentProcess, activeChildren, sleep, type ParentProcess } from './lifecycle'
export { Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier, type BarrierOptions, type NameOption } from './synchronize'
export { Queue, JoinableQueue, SimpleQueue } from './queues'
export { Pipe, Connection, type PipeOptions } from './connection'
export { Pool, AsyncResult, TimeoutError, type PoolOptions, type PoolStats } from './pool'
// The loop of a Pool worker: exported so that a worker process finds it by name, as any Process target.
export { poolWorker } from './pool-worker'
export { ProcessError, LabContextError, Full, Empty, EOFError, BrokenBarrierError } from './errors'
export type { WaitOptions } from './timeouts'
