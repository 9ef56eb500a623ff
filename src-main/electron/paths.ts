// Where the built app's parts are. The main bundle is out/main/electron.js; a shared chunk would
// sit one level deeper in out/main/chunks, so both are handled.
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface AppPaths {
  preload: string
  rendererIndex: string
  rendererIndexUrl: string
}

export function appPaths(moduleUrl: string = import.meta.url): AppPaths {
  let mainDir = dirname(fileURLToPath(moduleUrl))
  if (basename(mainDir) === 'chunks') mainDir = dirname(mainDir)
  const outDir = dirname(mainDir)
  const rendererIndex = join(outDir, 'renderer', 'index.html')
  return {
    preload: join(outDir, 'preload', 'index.cjs'),
    rendererIndex,
    rendererIndexUrl: pathToFileURL(rendererIndex).href,
  }
}
