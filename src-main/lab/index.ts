// The `proclab` module: what lab scripts import. Python's multiprocessing, in TypeScript.
export { Process, type ProcessOptions, type Target } from './process'
export { currentProcess, parentProcess, activeChildren, sleep, type ParentProcess } from './lifecycle'
export { ProcessError, LabContextError } from './errors'
