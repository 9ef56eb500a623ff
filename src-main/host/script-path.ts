import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { HostError } from './errors'

const LAB_SCRIPT = /\.(mjs|js|cjs|mts|ts|cts)$/i

/** Checks a lab script path from outside and returns it absolute, or says plainly what is wrong. */
export function checkScriptPath(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path)
  if (!LAB_SCRIPT.test(absolute)) throw new HostError('bad-request', `A lab script is a .mjs, .js or .ts file; '${path}' is not.`)
  let isFile = false
  try {
    isFile = statSync(absolute).isFile()
  } catch {
    throw new HostError('not-found', `No lab script at ${absolute}.`)
  }
  if (!isFile) throw new HostError('not-found', `${absolute} is not a file.`)
  return absolute
}
