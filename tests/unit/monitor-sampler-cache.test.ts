// The Linux sampler reuses a process's command line and user between samples (they cost two of the
// three reads per process); an exec, which changes comm, must show the new command at once.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createMonitor, LinuxProcSampler } from '../../src-main/monitor'
import { removeFakeProc, writeFakeProc } from '../helpers/fake-proc'
import { linuxOnly } from '../helpers/platform'

describe('sampler cache, on a simulated /proc', () => {
  it('reuses cmdline between samples, and reads it again when comm changes (exec)', async () => {
    const dir = writeFakeProc({ count: 4 })
    try {
      const sampler = new LinuxProcSampler({ procRoot: dir, pageSize: 4096, clockTicks: 100 })
      const command = async () => (await sampler.sample()).find((r) => r.pid === 2)!.command
      const before = await command()
      const comm = /\((.*)\)/.exec(readFileSync(`${dir}/2/stat`, 'utf8'))![1]!
      expect(before).toBe(`/usr/bin/${comm} --worker 2`)
      // A new argv with the same comm (setproctitle): not read again yet, so the sample did not re-read the file.
      writeFileSync(`${dir}/2/cmdline`, 'renamed\0')
      expect(await command()).toBe(before)
      // exec: comm changes with the argv, and the new command shows at once.
      writeFileSync(`${dir}/2/stat`, readFileSync(`${dir}/2/stat`, 'utf8').replace(`(${comm})`, '(newprog)'))
      writeFileSync(`${dir}/2/cmdline`, 'newprog\0job\0')
      expect(await command()).toBe('newprog job')
    } finally {
      removeFakeProc(dir)
    }
  })
})

describe('sampler cache of cmdline and user', linuxOnly('the real /proc sampler, and an exec that keeps the pid (sh then sleep)'), () => {
  it('shows the new command line as soon as the process execs another program', async () => {
    const child = spawn('sh', ['-c', 'sleep 1; exec sleep 30'], { stdio: 'ignore' })
    try {
      const monitor = createMonitor()
      const command = async () => (await monitor.list(new Set())).find((r) => r.pid === child.pid)?.command
      await expect.poll(command, { timeout: 10_000, interval: 50 }).toBe('sh -c sleep 1; exec sleep 30')
      // Same monitor, samples well inside the reuse window: the exec is still seen at once.
      await expect.poll(command, { timeout: 10_000, interval: 100 }).toBe('sleep 30')
    } finally {
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }
  })
})
