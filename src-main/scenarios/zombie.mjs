// A real zombie. A process that has exited stays in the process table, state Z, until its parent
// collects its exit status (waitpid); only then is it gone. Node reaps the children it starts the
// moment they exit, so a Process never stays a zombie long enough to see: spawnUnreaped starts a
// plain OS process (posix_spawnp, out of Node's sight) that nobody reaps until reap() is called.
import { readFileSync } from 'node:fs'
import { canSpawnUnreaped, lang, sleep, spawnUnreaped } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    unsupported: 'This OS has no zombies to show: on Windows a process that has ended is gone as soon as the last handle to it closes (and ProcLab cannot start an unreaped process on macOS yet).',
    childDone: 'my work is done, exiting',
    started: (pid) => `started pid ${pid}: it prints one line and exits at once`,
    waiting: (pid) => `main (pid ${process.pid}) does not reap pid ${pid} for 3 s: look at the Lab tree or the System tab`,
    state: (pid, state) => `the OS says pid ${pid} is in state ${state}${state === 'Z' ? ' (zombie): exited, not reaped' : ''}`,
    reaped: (pid, exit) => `reaped pid ${pid}: exit code ${exit.exitCode}; it is gone from the process table now`,
    gone: (pid) => `pid ${pid} ${stateOf(pid) === null ? 'is no longer in the process table' : 'is still there'}`,
  },
  zh: {
    unsupported: '这个系统上看不到僵尸进程：Windows 上进程一结束，最后一个句柄关闭后它就消失了（macOS 上 ProcLab 暂时还不能启动不被回收的进程）。',
    childDone: '我的工作做完了，退出',
    started: (pid) => `启动了 pid ${pid}：它打印一行后立即退出`,
    waiting: (pid) => `主进程（pid ${process.pid}）3 秒内不回收 pid ${pid}：请看实验进程树或“系统”标签页`,
    state: (pid, state) => `系统显示 pid ${pid} 的状态为 ${state}${state === 'Z' ? '（僵尸）：已退出，但未被回收' : ''}`,
    reaped: (pid, exit) => `回收了 pid ${pid}：退出码 ${exit.exitCode}；它已从进程表中消失`,
    gone: (pid) => `pid ${pid} ${stateOf(pid) === null ? '已不在进程表中' : '仍然存在'}`,
  },
}[lang]

/** The state letter /proc gives a pid (R, S, Z, ...), or null once it is gone. Linux only, like spawnUnreaped. */
function stateOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]
  } catch {
    return null
  }
}

export default async function main() {
  if (!canSpawnUnreaped) {
    console.log(say.unsupported)
    return
  }
  // sh's $$ is its own pid, $0 the word after the script: the line in the run's language.
  const child = spawnUnreaped('sh', ['-c', 'echo "pid $$: $0"', say.childDone])
  console.log(say.started(child.pid))
  console.log(say.waiting(child.pid))
  await sleep(1000)
  console.log(say.state(child.pid, stateOf(child.pid)))
  await sleep(2000)
  const exit = await child.reap()
  console.log(say.reaped(child.pid, exit))
  console.log(say.gone(child.pid))
  await sleep(1000)
}
