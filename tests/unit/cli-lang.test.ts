// `proclab run --lang`: the language a run's lab processes print in. Each test is one real run of a
// built-in scenario (a host, a lab main and its children), checked by the lines the children print.
import { afterAll, describe, expect, it } from 'vitest'
import { cliHome } from '../helpers/cli'

const home = cliHome()
afterAll(() => home.cleanup())

/** The locale variables of the test runner's terminal, cleared: each test says which it means. */
const NO_LOCALE = { LC_ALL: '', LC_MESSAGES: '', LANG: '' }

/** The lines `name` printed, without the run printer's `name │ ` prefix. */
function linesOf(stdout: string, name: string): string[] {
  const prefix = `${name} │ `
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length))
}

describe('proclab run --lang', { timeout: 120_000 }, () => {
  it('--lang zh: the scenario and its child processes print in Chinese', async () => {
    const ran = await home.run(['run', 'join', '--lang', 'zh', '--no-log'], { env: NO_LOCALE })
    expect(ran.code, ran.stderr).toBe(0)
    // The children read `lang` in their own processes: it reached them through the lab main.
    const woke = ['Process-1', 'Process-2', 'Process-3'].flatMap((name) => linesOf(ran.stdout, name))
    expect(woke.sort()).toEqual(['子进程 1 睡了 1 秒后醒来', '子进程 2 睡了 2 秒后醒来', '子进程 3 睡了 3 秒后醒来'])
    expect(linesOf(ran.stdout, 'MainProcess')).toEqual([expect.stringMatching(/^主进程在 \d+\.\d\d 秒后继续；退出码：0, 0, 0$/)])
    expect(ran.stdout).not.toContain('woke after')
  })

  it('without --lang, the locale decides: a Chinese LANG means Chinese, and LC_ALL comes before LANG', async () => {
    const zh = await home.run(['run', 'hello', '--no-log'], { env: { ...NO_LOCALE, LANG: 'zh_CN.UTF-8' } })
    expect(zh.code, zh.stderr).toBe(0)
    expect(linesOf(zh.stdout, 'Process-1')).toEqual([expect.stringMatching(/^函数目标：我是 Process-1，pid \d+；父进程是 MainProcess（pid \d+）$/)])
    const en = await home.run(['run', 'hello', '--no-log'], { env: { ...NO_LOCALE, LANG: 'zh_CN.UTF-8', LC_ALL: 'en_US.UTF-8' } })
    expect(en.code, en.stderr).toBe(0)
    expect(linesOf(en.stdout, 'Process-1')).toEqual([expect.stringMatching(/^function target: I am Process-1, pid \d+; my parent is MainProcess \(pid \d+\)$/)])
  })

  it('a language ProcLab does not print in is English, said once on stderr', async () => {
    const ran = await home.run(['run', 'hello', '--lang', 'fr', '--no-log'], { env: { ...NO_LOCALE, LANG: 'zh_CN.UTF-8' } })
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stderr).toContain('--lang fr is not a language ProcLab prints in (en, zh); printing in English')
    expect(linesOf(ran.stdout, 'Process-2')).toEqual([expect.stringMatching(/^subclass: a subclass at work in Process-2, pid \d+$/)])
  })
})
