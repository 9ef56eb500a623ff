// The program every lab process runs. The host starts it as the lab main (which calls the
// script's default export, the tutorial's 主进程); a Process starts it as a child, which asks the
// broker for its spec, imports the script (as Python's spawn re-imports __main__) and runs the target.
// This first module only opens the connection to the broker (early.ts) and then loads the runtime
// (main.ts): the broker's answers travel while the runtime's modules load, not after.
import module from 'node:module'
import { ENV, type Opening } from '../protocol'
import { connectEarly } from './early'
import { requireEnv } from './require-env'

const lid = requireEnv(ENV.lid)
const roles = ['main', 'child', 'spare'] as const
const role = roles.find((known) => known === process.env[ENV.role]) ?? 'child'
// The token proves to the host that this is the process it made it for. Out of process.env before
// any user code runs, so the script's own child processes do not inherit it.
const token = requireEnv(ENV.token)
delete process.env[ENV.token]
const opening: Opening = { op: 'control', lid, pid: process.pid, token }
// A spare's spec request is answered once a start() hands it a target: it waits loaded and connected.
const connecting = connectEarly(requireEnv(ENV.broker), opening, role !== 'main')
// A failed connect is thrown where the runtime awaits it, not reported as unhandled while it loads.
connecting.catch(() => undefined)
// Node ≥ 22.1 keeps V8's compiled code of the modules it loads on disk (in the OS's temp folder), so
// every lab process after the first loads the runtime, and the script, without compiling them again:
// the larger part of a start after Node's own. Node 20 has no such cache and loads as before.
enableCompileCache()
void import('./main').then(({ runLabProcess }) => runLabProcess({ lid, role, connecting }))

function enableCompileCache(): void {
  const withCache = module as { enableCompileCache?: () => unknown }
  try {
    withCache.enableCompileCache?.()
  } catch {
    // A cache that cannot be written (a read-only temp folder) only costs the time it would save.
  }
}
