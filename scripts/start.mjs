#!/usr/bin/env node
// `npm start`: build, then launch the desktop app. The Electron binary is downloaded from outside
// the npm registry and may be missing, so it is looked for by hand: requiring the `electron`
// package would try to download it and fail with a stack trace.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = join(root, 'node_modules', 'electron')

/** The Electron executable, or null when it is not installed. */
function findElectronBinary() {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  if (!relative) return null
  const binary = join(electronDir, 'dist', relative)
  return existsSync(binary) ? binary : null
}

function run(command, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
    const forward = (signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => {
      process.stderr.write(`proclab: could not run ${command}: ${error.message}\n`)
      resolvePromise(1)
    })
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolvePromise(code ?? (signal ? 1 : 0))
    })
  })
}

const binary = findElectronBinary()
if (!binary) {
  process.stderr.write(
    `proclab: the Electron binary is not installed (nothing at ${join(electronDir, 'dist')}); ` +
      'install it with `node node_modules/electron/install.js` on a machine with internet access, ' +
      'or run `npx proclab serve` for the same UI in your browser.\n',
  )
  process.exit(1)
}

const passThrough = process.argv.slice(2)
if (process.platform === 'linux' && process.getuid?.() === 0 && !passThrough.includes('--no-sandbox')) {
  process.stderr.write('proclab: Chromium refuses to run as root without --no-sandbox; if the window does not open, run `npm start -- --no-sandbox`.\n')
}

const electronVite = join(dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
const built = await run(process.execPath, [electronVite, 'build'])
if (built !== 0) process.exit(built)
process.exit(await run(binary, ['.', ...passThrough]))
