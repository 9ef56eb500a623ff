// The built-in scenarios: lab scripts that ship with ProcLab, each teaching one lesson of the
// tutorial. Metadata lives here, not in the scripts, so the host never imports user-level code.
import { join } from 'node:path'
import type { ScenarioInfo } from '../../src-shared/contract'
import { packageRoot } from '../package-root'

export interface Scenario extends ScenarioInfo {
  /** File name inside src-main/scenarios. */
  file: string
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'hello',
    file: 'hello.mjs',
    title: { en: 'Two ways to start a process', zh: '开启子进程的两种方式' },
    lesson: {
      en: 'A child runs an exported function by reference, another is a Process subclass with run(); each prints its own pid and its parent’s.',
      zh: '一个子进程按引用运行导出的函数，另一个是重写 run() 的 Process 子类；各自打印自己和父进程的 pid。',
    },
  },
  {
    id: 'join',
    file: 'join.mjs',
    title: { en: 'join: start all, then wait', zh: 'join：先全部启动，再等待' },
    lesson: {
      en: 'Three children sleep 1 s, 2 s and 3 s. Started together and then joined, they overlap: the whole run takes about 3 s, the longest sleep.',
      zh: '三个子进程分别睡 1、2、3 秒。同时启动后再逐个 join，它们并行运行：总耗时约 3 秒，即最长的那个。',
    },
  },
  {
    id: 'join-serial',
    file: 'join-serial.mjs',
    title: { en: 'join: one at a time', zh: 'join：一个接一个' },
    lesson: {
      en: 'The same three children, but each is joined before the next starts: they run one after another and the run takes about 1 + 2 + 3 = 6 s.',
      zh: '同样三个子进程，但每个启动后立刻 join，再启动下一个：它们串行运行，总耗时约 1 + 2 + 3 = 6 秒。',
    },
  },
  {
    id: 'daemon',
    file: 'daemon.mjs',
    title: { en: 'Daemon processes', zh: '守护进程' },
    lesson: {
      en: 'A daemonic child is ended as soon as its parent’s main returns; a normal child is waited for.',
      zh: '守护子进程在父进程主代码结束时立即被终止；普通子进程则会被等待完成。',
    },
  },
  {
    id: 'long-sleeper',
    file: 'long-sleeper.mjs',
    title: { en: 'A process to kill', zh: '一个等你结束的进程' },
    lesson: {
      en: 'A child sleeps for ten minutes. Kill it or terminate it from its row and watch its exit code: -15 for SIGTERM, -9 for SIGKILL.',
      zh: '子进程睡眠十分钟。在它的行上终止或杀死它，观察退出码：SIGTERM 为 -15，SIGKILL 为 -9。',
    },
  },
]

export function scenarioPath(scenario: Scenario): string {
  return join(packageRoot(), 'src-main', 'scenarios', scenario.file)
}

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id)
}

export function scenarioInfo({ id, title, lesson }: Scenario): ScenarioInfo {
  return { id, title, lesson }
}
