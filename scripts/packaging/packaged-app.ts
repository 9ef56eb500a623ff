// Where electron-builder leaves the unpacked app in its output folder, per OS: the folder the
// installers are made from. CI runs the Electron shell test and the fuse check against it.
//   npx tsx scripts/packaging/packaged-app.ts [dist]   prints the app's executable (exactly one app)
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import config from '../../electron-builder'

export interface PackagedApp {
  /** The folder electron-builder made, e.g. dist/linux-unpacked, dist/mac-arm64, dist/win-unpacked. */
  dir: string
  /** What to launch. */
  executable: string
  /** Holds app.asar and app.asar.unpacked. */
  resources: string
  /** What @electron/fuses reads: the executable, or on macOS the .app bundle. */
  fuseTarget: string
}

interface Names {
  productName: string
  executableName: string
}

const NAMES: Names = { productName: config.productName!, executableName: config.linux!.executableName! }

/** The app in one of electron-builder's output folders, or null for any other folder name. */
export function appInFolder(dir: string, folderName: string, names: Names = NAMES): PackagedApp | null {
  const root = join(dir, folderName)
  // linux-unpacked, linux-arm64-unpacked, ...
  if (/^linux(-[a-z0-9]+)?-unpacked$/.test(folderName)) {
    const executable = join(root, names.executableName)
    return { dir: root, executable, resources: join(root, 'resources'), fuseTarget: executable }
  }
  // win-unpacked, win-arm64-unpacked, win-ia32-unpacked
  if (/^win(-[a-z0-9]+)?-unpacked$/.test(folderName)) {
    const executable = join(root, `${names.productName}.exe`)
    return { dir: root, executable, resources: join(root, 'resources'), fuseTarget: executable }
  }
  // mac (x64), mac-arm64, mac-universal
  if (/^mac(-[a-z0-9]+)?$/.test(folderName)) {
    const bundle = join(root, `${names.productName}.app`)
    return {
      dir: root,
      executable: join(bundle, 'Contents', 'MacOS', names.productName),
      resources: join(bundle, 'Contents', 'Resources'),
      fuseTarget: bundle,
    }
  }
  return null
}

/** Every unpacked app electron-builder left in `dist` whose executable exists. */
export function packagedApps(dist: string, names: Names = NAMES): PackagedApp[] {
  if (!existsSync(dist)) return []
  return readdirSync(dist, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => appInFolder(dist, entry.name, names))
    .filter((app): app is PackagedApp => app !== null && existsSync(app.executable))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dist = resolve(process.argv[2] ?? 'dist')
  const apps = packagedApps(dist)
  if (apps.length !== 1) {
    console.error(`expected one packaged app in ${dist}, found ${apps.length}${apps.length ? `: ${apps.map((app) => app.dir).join(', ')}` : ''}`)
    process.exit(1)
  }
  console.log(apps[0].executable)
}

/** The resources folder of an installed app, from its executable. */
export function resourcesOf(executable: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? join(dirname(executable), '..', 'Resources') : join(dirname(executable), 'resources')
}
