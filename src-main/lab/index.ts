// The `proclab` module: what lab scripts import. Python's multiprocessing, in TypeScript.
export { Process, type ProcessOptions, type Target } from './process'
export { lang, type LabLanguage } from './language'
export { currentProcess, parentProcess, activeChildren, sleep, type ParentProcess } from './lifecycle'
export { Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier, type BarrierOptions, type NameOption } from './synchronize'
export { Queue, JoinableQueue, SimpleQueue, type QueueOptions } from './queues'
export { Pipe, Connection, type PipeOptions } from './connection'
export { ProcessError, LabContextError, Full, Empty, EOFError, BrokenBarrierError } from './errors'
export type { WaitOptions } from './timeouts'
