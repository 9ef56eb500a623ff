// Windows: no signals but TerminateProcess (with an exit code that names the signal), no process
// groups but a job object per run, a named pipe for the broker, data under %APPDATA%. The process
// table comes from native calls (win32/table.ts), systeminformation where they cannot be made.
// Native calls go through koffi (win32/native.ts for processes and jobs, win32/table-calls.ts for
// the table); where it cannot load, Node's own ways stand in and say what is lost.
import { homedir } from 'node:os'
import { win32 as path } from 'node:path'
import type { SignalName } from '../../src-shared/contract'
import { APP_FOLDER, foldersIn } from './folders'
import type { LabSupport, Platform, SignalSupport } from './types'
import { accountName } from './user'
import { windowsExits } from './win32/exit-codes'
import { identifyProcess } from './win32/identify'
import { nativeCallsAvailable } from './win32/native'
import { namedPipeBroker } from './win32/pipe'
import { runJobGroups, runJobGuard } from './win32/run-jobs'
import { endProcess, endProcessIfThere } from './win32/terminate'
import { endTreeByTable } from './win32/tree-end'
import { windowsPausing } from './win32/suspend'
import { nativeOrFallback } from './native-table'
import type { SiShape } from './si/sampler'
import { parentsFromSample, siTable } from './si/table'
import { windowsNativeTable } from './win32/table'

export { terminationCode } from './win32/exit-codes'

/**
 * The signals Windows can honour: both end the process (TerminateProcess). Windows has no SIGINT,
 * SIGHUP, SIGSTOP or SIGCONT for one process to send another (Node would silently turn SIGINT
 * into a hard end too).
 */
const AVAILABLE: readonly SignalName[] = ['SIGTERM', 'SIGKILL']

/** systeminformation passes on WMI/PowerShell: CPU as a share of the machine, the whole command line, no nice. */
export const WINDOWS_SI_SHAPE: SiShape = { cpuPerCore: false, wholeCommand: true, nice: false }

const signals: SignalSupport = {
  available: AVAILABLE,
  processOf: (pid) => pid,
  send: endProcess,
  sendIfThere: endProcessIfThere,
  sendToTree: endTreeByTable,
}

/**
 * How long a lab process that sees the host go waits before ending itself: the run's job ends it
 * at once when the host dies, so this is the way out only where there is no job (koffi missing).
 */
const SELF_END_DELAY_MS = 500

const lab: LabSupport = {
  broker: namedPipeBroker,
  hostDeathGuard: runJobGuard,
  selfEndDelayMs: SELF_END_DELAY_MS,
  // Not in their parent's libuv job, which would end them with their parent: in the run's job only.
  detachedChildren: true,
  groups: runJobGroups,
  get identify() {
    return nativeCallsAvailable() ? identifyProcess : null
  },
  // The run's job finds its members; there is no cheap whole table to ask.
  runTable: () => null,
  directSocketWrites: false,
  // Windows has no zombies: an ended process is gone once the last handle to it closes.
  unreaped: null,
  reparentsOrphans: false,
  pausing: windowsPausing,
}

export const win32: Platform = {
  name: 'win32',
  title: 'Windows',
  hasFork: false,
  hasAppMenu: false,
  appOutlivesWindows: false,
  shortcutKey: 'Ctrl',
  electronChildrenUseHelper: false,
  // One NtQuerySystemInformation(SystemProcessInformation) call per sample, as System Informer
  // reads the table. systeminformation, the fallback, starts PowerShell each time and leaves state,
  // user and threads empty.
  processes: nativeOrFallback({
    native: () => windowsNativeTable(),
    fallback: () => siTable({ shape: WINDOWS_SI_SHAPE, title: 'Windows', parentReader: parentsFromSample }),
  }),
  userName: accountName,
  signals,
  exits: windowsExits,
  lab,
  // The roaming application data folder, where Electron's userData is too.
  dataFolders: (env = process.env, home = homedir()) => foldersIn(path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), APP_FOLDER), 'win32'),
  formerDataFolders: () => [],
}
