// The macOS calls the native process table makes (libproc and the C library, in libSystem),
// through koffi (platform/koffi.ts): declared on first use, once per process. They return bytes
// and numbers; proc-info.ts and procargs.ts read the layouts. Written from the SDK's headers
// (libproc.h, sys/proc_info.h, sys/sysctl.h, pwd.h, mach/mach_time.h): untested on a Mac.
import { loadKoffi, loadLibrary } from '../koffi'
import { TASK_ALL_INFO_SIZE, TASK_INFO, SHORT_BSD_INFO, PROC_PIDT_SHORTBSDINFO, PROC_PIDTASKALLINFO, PROC_PIDTASKINFO, type Timebase } from './proc-info'

const CTL_KERN = 1
const KERN_ARGMAX = 8
const KERN_PROCARGS2 = 49

export interface DarwinCalls {
  /** Every pid now (proc_listallpids). */
  listPids(): number[]
  /** proc_pidinfo(PROC_PIDTASKALLINFO)'s bytes, or null (gone, or another user's process). */
  taskAllInfo(pid: number): Uint8Array | null
  /** proc_pidinfo(PROC_PIDT_SHORTBSDINFO)'s bytes, or null (gone). */
  shortBsdInfo(pid: number): Uint8Array | null
  /** proc_pidinfo(PROC_PIDTASKINFO)'s bytes, or null. */
  taskInfo(pid: number): Uint8Array | null
  /** sysctl KERN_PROCARGS2's bytes (argc, the executable's path, argv, environment), or null. */
  procArgs(pid: number): Uint8Array | null
  /** The executable's path (proc_pidpath), or null. */
  path(pid: number): string | null
  /** getpwuid's pw_name, or null when the uid has no entry. */
  userName(uid: number): string | null
  timebase(): Timebase
}

let calls: DarwinCalls | null = null

/** The calls, declared once; throws why they cannot be (no koffi, no libSystem: not macOS). */
export function darwinCalls(): DarwinCalls {
  calls ??= declare()
  return calls
}

function declare(): DarwinCalls {
  const koffi = loadKoffi()
  const system = loadLibrary('/usr/lib/libSystem.B.dylib')
  const proc_listallpids = system.func('int proc_listallpids(void *buffer, int size)')
  const proc_pidinfo = system.func('int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int size)')
  const proc_pidpath = system.func('int proc_pidpath(int pid, void *buffer, uint32_t size)')
  const sysctl = system.func('int sysctl(int32_t *name, uint32_t length, void *old, _Inout_ size_t *oldLength, void *new, size_t newLength)')
  const getpwuid = system.func('void *getpwuid(uint32_t uid)')
  const mach_timebase_info = system.func('int mach_timebase_info(void *info)')

  const info = Buffer.alloc(TASK_ALL_INFO_SIZE)
  const short = Buffer.alloc(SHORT_BSD_INFO.size)
  const task = Buffer.alloc(TASK_INFO.size)
  const pathBuffer = Buffer.alloc(4 * 1024) // PROC_PIDPATHINFO_MAXSIZE
  let pids = new Int32Array(1024)
  let args: Buffer | null = null

  /** proc_pidinfo fills the whole struct or fails (0 or less: gone, or EPERM). */
  const pidinfo = (pid: number, flavor: number, into: Buffer): Uint8Array | null => (proc_pidinfo(pid, flavor, 0, into, into.length) === into.length ? into : null)

  return {
    listPids() {
      for (;;) {
        const count = proc_listallpids(pids, pids.byteLength) as number
        if (count < 0) throw new Error('proc_listallpids failed')
        // A full buffer may have cut the list short: try again with room to spare.
        if (count < pids.length) return Array.from(pids.subarray(0, count))
        pids = new Int32Array(pids.length * 2)
      }
    },
    taskAllInfo: (pid) => pidinfo(pid, PROC_PIDTASKALLINFO, info),
    shortBsdInfo: (pid) => pidinfo(pid, PROC_PIDT_SHORTBSDINFO, short),
    taskInfo: (pid) => pidinfo(pid, PROC_PIDTASKINFO, task),
    procArgs(pid) {
      if (!args) {
        // The most bytes arguments and environment may take (kern.argmax), once.
        const max = Buffer.alloc(4)
        if (sysctl(Int32Array.of(CTL_KERN, KERN_ARGMAX), 2, max, [max.length], null, 0) !== 0) return null
        args = Buffer.alloc(max.readInt32LE(0))
      }
      const length = [args.length]
      if (sysctl(Int32Array.of(CTL_KERN, KERN_PROCARGS2, pid), 3, args, length, null, 0) !== 0) return null
      return args.subarray(0, Number(length[0]))
    },
    path(pid) {
      const length = proc_pidpath(pid, pathBuffer, pathBuffer.length) as number
      return length > 0 ? pathBuffer.toString('utf8', 0, length) : null
    },
    userName(uid) {
      const entry = getpwuid(uid)
      // struct passwd begins with char *pw_name.
      return entry === null ? null : (koffi.decode(entry, 'const char *') as string | null)
    },
    timebase() {
      const fraction = Buffer.alloc(8) // struct mach_timebase_info { uint32_t numer, denom }
      if (mach_timebase_info(fraction) !== 0) throw new Error('mach_timebase_info failed')
      return { numer: fraction.readUInt32LE(0), denom: fraction.readUInt32LE(4) }
    },
  }
}
