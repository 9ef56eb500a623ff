#!/usr/bin/env node
// The `proclab` command. It runs the build in out/ (made by `npm ci` through the prepare script,
// or by `npm run build`).
import { existsSync } from 'node:fs'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`ProcLab needs Node.js 20.19 or newer; this is ${process.version}.`)
  process.exit(1)
}
const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  console.error("ProcLab is not built yet: run 'npm run build' in its folder (npm ci does it too), then try again.")
  process.exit(1)
}
await import(cli.href)
