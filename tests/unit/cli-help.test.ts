// `proclab <command> --help`, `-h` and `proclab help <command>` print that command's page and exit
// 0; `proclab --help` and `proclab help` the overview. A mistake in a command (an unknown option)
// prints the message and that command's page, exit 2; an unknown command the overview, exit 2.
import { afterAll, describe, expect, it } from 'vitest'
import { cliHome } from '../helpers/cli'

const home = cliHome()
afterAll(() => home.cleanup())

const COMMANDS = ['run', 'scenarios', 'serve', 'sessions', 'export', 'ps', 'bench']

// Every test starts Node a few times over (seconds apiece under Wine): a hang guard, not a time limit.
describe('help', { timeout: 90_000 }, () => {
  it.each(COMMANDS)('%s: --help, -h and `help <command>` print the same page, its usage first, exit 0', async (command) => {
    const forms = await Promise.all([home.run([command, '--help']), home.run([command, '-h']), home.run(['help', command])])
    for (const ran of forms) {
      expect(ran.code, ran.stderr).toBe(0)
      expect(ran.stderr).toBe('')
    }
    expect(forms[0]!.stdout).toMatch(new RegExp(`^Usage: proclab ${command}\\b`))
    expect(forms[0]!.stdout).toMatch(/-h, --help/)
    expect(forms[1]!.stdout).toBe(forms[0]!.stdout)
    expect(forms[2]!.stdout).toBe(forms[0]!.stdout)
  })

  it('--help after other arguments still shows the help, and runs nothing', async () => {
    const ran = await home.run(['run', 'no-such-scenario', '--max-processes', '3', '--help'])
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toMatch(/^Usage: proclab run /)
  })

  it("'--help' and 'help' alone print the overview, which names every command, exit 0", async () => {
    const [long, short, word, both] = await Promise.all([home.run(['--help']), home.run(['-h']), home.run(['help']), home.run(['help', '--help'])])
    for (const ran of [long, short, word, both]) {
      expect(ran.code).toBe(0)
      expect(ran.stdout).toBe(long.stdout)
    }
    for (const command of COMMANDS) expect(long.stdout).toContain(`proclab ${command} `)
    expect(long.stdout).toContain('proclab help <command>')
  })

  it("an unknown option is an error with that command's page, exit 2", async () => {
    const ran = await home.run(['ps', '--bogus'])
    expect(ran.code).toBe(2)
    expect(ran.stdout).toBe('')
    expect(ran.stderr).toMatch(/^proclab: Unknown option '--bogus'/)
    expect(ran.stderr).toContain('\nUsage: proclab ps [options]')
    expect(ran.stderr).not.toContain('proclab bench')
  })

  it('a misused command (a missing argument) gets its page too', async () => {
    const ran = await home.run(['export'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toMatch(/^proclab: export takes one session/)
    expect(ran.stderr).toContain('Usage: proclab export <session>')
  })

  it('an unknown command, or help on one, is an error with the overview, exit 2', async () => {
    const cases = [['frobnicate'], ['help', 'frobnicate']]
    const results = await Promise.all(cases.map((args) => home.run(args)))
    for (const [i, ran] of results.entries()) {
      expect(ran.code, cases[i]!.join(' ')).toBe(2)
      expect(ran.stderr).toMatch(/^proclab: .*'frobnicate'/)
      expect(ran.stderr).toContain('proclab — a process monitor and multiprocessing lab')
    }
  })
})
