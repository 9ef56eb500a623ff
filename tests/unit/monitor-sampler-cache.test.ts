// The Linux sampler reuses a process's command line and user between samples (they cost two of the
// three reads per process); an exec, which changes comm, must show the new command at once.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { createMonitor } from '../../src-main/monitor'

describe.runIf(process.platform === 'linux')('sampler cache of cmdline and user', () => {
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
