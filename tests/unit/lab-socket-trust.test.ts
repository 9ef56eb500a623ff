// Only a run's own processes can talk to its broker, whatever the umask: the socket sits in a
// directory only its user can enter, each connection must carry its process's token, and the pids
// a connection reports are checked with the OS before the host would ever signal them. Leftovers
// of hosts that died are removed by the next host; a host removes its own directory when it ends.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serialize } from 'node:v8'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventOf } from '../../src-shared/events'
import { isStillProcess, osProcess } from '../../src-main/lab/supervisor/os-process'
import { encodeFrame } from '../../src-main/lab/wire'
import { pidAlive, runOn, scriptDir, waitUntil, withHost } from '../helpers/lab'
import { brokerAddressOf, brokerSocketOf, rawClient, REFUSAL_GUARD_MS, startCliHost, waitForReady, WAITING_SCRIPT, type CliHost } from '../helpers/lab-socket'
import { spawnIdle } from '../helpers/os'
import { linuxOnly, needs, notOnWindows, onLinux } from '../helpers/platform'

const isRoot = onLinux && process.getuid?.() === 0
const NOBODY = 65534
const asNobody = onLinux ? needs(isRoot, 'root, to act as the user nobody') : linuxOnly('acts as the user nobody with setpriv and checks the mode of the socket’s directory')

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

/** A temp folder anyone may write in, as /tmp is: only the host's own directory keeps others out. */
function sharedTemp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proclab-trust-'))
  chmodSync(dir, 0o1777)
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A process of this user that no lab process started. */
function victim(): number {
  const sleeper = spawnIdle(600)
  cleanups.push(() => sleeper.kill('SIGKILL'))
  return sleeper.pid
}

function waitingHost(base: string, umask = '000'): { host: CliHost; go: () => void; broker: () => string } {
  const scripts = scriptDir()
  cleanups.push(scripts.cleanup)
  const goFile = join(scripts.dir, 'go')
  const host = startCliHost(scripts.write('wait.mjs', WAITING_SCRIPT), { tmp: base, go: goFile, umask })
  cleanups.push(() => host.child.kill('SIGKILL'))
  return { host, go: () => writeFileSync(goFile, ''), broker: () => brokerAddressOf(goFile) }
}

/**
 * What the attacker sent: "I am the lab main", "I start a child", "its pid is <victim>".
 * A host that believed it would signal the victim when the run ends.
 */
function impostorBytes(mainPid: number, victimPid: number, token?: string): Buffer[] {
  return [
    encodeFrame([{ op: 'control', lid: 'r1', pid: mainPid, ...(token === undefined ? {} : { token }) }]),
    encodeFrame([{ op: 'spawn', rid: 1, lid: 'r1.99', name: 'impostor', daemon: false, target: 't', spec: serialize({}), holds: [] }]),
    encodeFrame([{ op: 'spawned', lid: 'r1.99', pid: victimPid, at: 0 }]),
  ]
}

async function expectRunOk(host: CliHost, go: () => void): Promise<void> {
  go()
  const code = await host.exited
  expect(code, host.output()).toBe(0)
  expect(host.output()).toContain('MainProcess │ answer 42')
}

describe('who can talk to a run’s broker', () => {
  it('another user cannot reach the socket, even when the host runs with umask 000', asNobody, async () => {
    const base = sharedTemp()
    const target = victim()
    const { host, go } = waitingHost(base)
    await waitForReady(host)
    const socket = brokerSocketOf([base], host.pid)
    const attacker = `
      const socket = require('net').connect(process.argv[1])
      socket.on('error', (e) => { console.log(JSON.stringify({ connected: false, code: e.code })); process.exit(0) })
      socket.on('connect', () => socket.end(Buffer.from(process.argv[2], 'base64'), () => { console.log(JSON.stringify({ connected: true })); process.exit(0) }))
    `
    const payload = Buffer.concat(impostorBytes(host.mainPid(), target)).toString('base64')
    const result = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', attacker, socket, payload], { cwd: '/', env: { PATH: process.env.PATH }, encoding: 'utf8' })
    expect(result.status, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ connected: false, code: 'EACCES' })
    // A directory of its own, that only its user may enter, whatever the umask said.
    const dir = dirname(socket)
    expect(dir).not.toBe(base)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    await expectRunOk(host, go)
    expect(pidAlive(target)).toBe(true)
    expect(existsSync(dir), 'the host removes its directory when it ends').toBe(false)
  })

  it('refuses a client of the same user without the token, and reports it', async () => {
    const base = sharedTemp()
    const target = victim()
    const { host, go, broker } = waitingHost(base)
    await waitForReady(host)
    const socket = broker()
    const withoutToken = await rawClient(socket, impostorBytes(host.mainPid(), target), REFUSAL_GUARD_MS)
    const wrongToken = await rawClient(socket, impostorBytes(host.mainPid(), target, 'x'.repeat(43)), REFUSAL_GUARD_MS)
    expect(withoutToken).toEqual({ connected: true, closedByHost: true })
    expect(wrongToken).toEqual({ connected: true, closedByHost: true })
    // Both reported: the first at once, the second with the refusals of the second that followed it.
    await waitUntil(() => /did not carry the token/.test(host.output()), 5000, 'the second refusal to be reported')
    expect(host.output()).toContain("lab error: a connection to the lab socket was refused: 'control' with a bad 'token' (undefined)")
    expect(host.output()).toContain('lab error: 1 more connection was refused within a second; the last: a connection to the lab socket was refused: it did not carry the token of a running lab process (it claimed to be "r1")')
    await expectRunOk(host, go)
    expect(pidAlive(target)).toBe(true)
  })

  it('refuses a pid reported for a child that is not the reporter’s child, and never signals it', async () => {
    const target = victim()
    const scripts = scriptDir()
    cleanups.push(scripts.cleanup)
    Object.assign(process.env, { PROCLAB_NODE_ARGS: `--import=${pathToFileURL(join(process.cwd(), 'tests', 'fixtures', 'lab-socket', 'forger.mjs')).href}`, PROCLAB_TEST_VICTIM: String(target) })
    cleanups.push(() => {
      delete process.env.PROCLAB_NODE_ARGS
      delete process.env.PROCLAB_TEST_VICTIM
    })
    await withHost({}, async (host) => {
      const run = await runOn(host, { script: scripts.write('plain.mjs', 'export default async function main() {}') })
      const errors = run.events.filter((e): e is EventOf<'lab.error'> => e.kind === 'lab.error').map((e) => e.message)
      expect(errors).toContain(`MainProcess (${run.start('MainProcess').lid}) reported pid ${target} for impostor, but that process's parent is pid ${process.pid}, not ${run.start('MainProcess').pid}; refused`)
      expect(run.starts.map((s) => s.pid)).not.toContain(target)
    })
    expect(pidAlive(target)).toBe(true)
  })

  it('knows a pid by its start time: a pid that names another process now is not the one recorded', async () => {
    const pid = victim()
    await waitUntil(() => osProcess(pid) !== null, 5000, 'the process to start')
    const { startTime } = osProcess(pid)!
    expect(isStillProcess(pid, startTime)).toBe(true)
    // The same pid with another start time: what a reused pid looks like.
    expect(isStillProcess(pid, startTime - 1)).toBe(false)
    expect(isStillProcess(pid, null)).toBe(false)
    process.kill(pid, 'SIGKILL')
    await waitUntil(() => !isStillProcess(pid, startTime), 5000, 'the process to be gone')
  })
})

describe('the broker’s directory', () => {
  it('is removed by the next host when its host died, never while its host lives, and by its own host when that ends', notOnWindows('the broker is a named pipe, in no directory, and Windows removes it with the last handle to it'), async () => {
    const base = mkdtempSync(join(tmpdir(), 'proclab-dirs-'))
    cleanups.push(() => rmSync(base, { recursive: true, force: true }))
    // A host killed outright leaves its socket behind.
    const { host: dead } = waitingHost(base, '022')
    await waitForReady(dead)
    const deadSocket = brokerSocketOf([base], dead.pid)
    dead.child.kill('SIGKILL')
    await dead.exited
    expect(existsSync(deadSocket)).toBe(true)
    // As hosts from before the private directories left theirs: a socket file in the temp folder.
    const old = spawn(process.execPath, ['-e', "const p = require('path').join(process.argv[1], 'proclab-' + process.pid + '-0123456789ab.sock'); require('net').createServer().listen(p, () => console.log(p))", base], { stdio: ['ignore', 'pipe', 'ignore'] })
    const oldSocket = await new Promise<string>((resolve) => old.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())))
    old.kill('SIGKILL')
    await new Promise((resolve) => old.once('exit', resolve))
    expect(existsSync(oldSocket)).toBe(true)
    // A host that is alive keeps its directory.
    const { host: live, go } = waitingHost(base, '022')
    await waitForReady(live)
    const liveSocket = brokerSocketOf([base], live.pid)

    const saved = { TMPDIR: process.env.TMPDIR, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR }
    process.env.TMPDIR = base
    delete process.env.XDG_RUNTIME_DIR
    try {
      await withHost({}, async () => {
        expect(existsSync(dirname(deadSocket)), 'the dead host’s directory').toBe(false)
        expect(existsSync(oldSocket), 'the old-style socket of a dead host').toBe(false)
        expect(existsSync(liveSocket), 'the live host’s socket').toBe(true)
        expect(existsSync(brokerSocketOf([base], process.pid))).toBe(true)
      })
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
    expect(readdirSync(base).filter((name) => name.startsWith(`proclab-${process.pid}-`)), 'this host’s own directory after dispose').toEqual([])
    await expectRunOk(live, go)
    // Nothing of any host is left. Node ≥ 22.1's compile cache (enabled by every lab process, see
    // runtime/entry.ts) lives in the temp folder too, as Node's own: shared by every run, not a host's.
    expect(readdirSync(base).filter((name) => name !== 'node-compile-cache')).toEqual([])
  })
})
