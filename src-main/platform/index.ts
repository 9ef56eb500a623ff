// The platform ProcLab runs on, chosen once, when this module is first loaded. Everything that
// differs between operating systems is asked of `platform`; nothing else reads process.platform
// (eslint.config.js holds that rule). Tests of another OS's rules import its module directly
// (./win32, ./darwin) or call platformFor.
import { darwin } from './darwin'
import { linux } from './linux'
import { otherUnix } from './other-unix'
import type { Platform } from './types'
import { win32 } from './win32'

/** The implementation for an OS by Node's name for it. */
export function platformFor(name: NodeJS.Platform): Platform {
  switch (name) {
    case 'linux':
      return linux
    case 'darwin':
      return darwin
    case 'win32':
      return win32
    default:
      return otherUnix(name)
  }
}

export const platform: Platform = platformFor(process.platform)

/** process.kill's uses that are the same on every OS. */
export { deliverSignal, exists as processExists, signalIfThere } from './deliver'

/** The process table of a procfs, which is Linux-shaped on any OS: a simulated one (tests, benchmarks) is read so. */
export { procfsTable } from './linux/table'

export type {
  BrokerAddress,
  BrokerSupport,
  DataFolders,
  ExitMapping,
  ExitStatus,
  HostDeathGuard,
  LabSupport,
  OsProcess,
  ParentTable,
  Platform,
  ProcessGroups,
  ProcessRow,
  ProcessSampler,
  ProcessTable,
  ProcessUsage,
  RawProcess,
  SignalSupport,
  SystemReader,
  TimedSample,
  TreeWalk,
} from './types'
