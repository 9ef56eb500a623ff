// What the README tells a new user: `npm install -g .` in the clone puts `proclab` on PATH, and
// `proclab run ./my-lab.mjs` then works from a folder of their own, whose script imports
// 'proclab' with no node_modules anywhere above it. (`npx proclab` outside the clone would ask the
// npm registry for someone else's package of that name.) Installed under a throwaway --prefix.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { root } from '../helpers/cli'
import { needs, onWindows } from '../helpers/platform'

/** npm as it comes with this Node (bin/node → lib/node_modules/npm, or beside node.exe on Windows). */
const npmCli = [join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js')].find(existsSync)

const SCRIPT = `import { Process, sleep } from 'proclab'
export async function task(name) {
  await sleep(10)
  console.log('hello from', name)
}
export default async function main() {
  const child = new Process({ target: task, args: ['my child'] })
  await child.start()
  await child.join()
}
`

const made: string[] = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

describe('installing the command from the clone', () => {
  it('npm install -g . puts proclab on PATH, and it runs a script from the user’s own folder', { ...needs(npmCli !== undefined, 'npm beside this Node'), timeout: 120_000 }, () => {
    const prefix = mkdtempSync(join(tmpdir(), 'proclab-prefix-'))
    const home = mkdtempSync(join(tmpdir(), 'proclab-user-'))
    made.push(prefix, home)
    // --ignore-scripts: the clone's `prepare` would rebuild out/ (emptying it first) while other test
    // files run `proclab` from it (cli-lang once found no out/main/cli.js). npm test built it already;
    // a user's `npm ci` in the clone builds it as the README says.
    execFileSync(process.execPath, [npmCli!, 'install', '-g', root, '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: home, stdio: 'pipe', timeout: 90_000 })
    const bin = onWindows ? prefix : join(prefix, 'bin')
    expect(existsSync(join(bin, onWindows ? 'proclab.cmd' : 'proclab'))).toBe(true)
    writeFileSync(join(home, 'my-lab.mjs'), SCRIPT)
    // Nothing above the user's folder lends it a node_modules: 'proclab' resolves through the command.
    for (let dir = home; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false)
    const run = spawnSync(onWindows ? 'proclab.cmd' : 'proclab', ['run', '--no-log', './my-lab.mjs'], {
      cwd: home,
      encoding: 'utf8',
      shell: onWindows,
      timeout: 60_000,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` },
    })
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stdout).toContain('hello from my child')
    expect(run.stdout).toMatch(/run ok/)
  })
})
