// Playwright drives an Electron app through the inspector of its main process (it launches it with
// --inspect=0), which the shipped app refuses: its EnableNodeCliInspectArguments fuse is off. So
// CI's Electron shell test runs a copy of the packaged app with that one fuse turned on; the rest
// (app.asar, the unpacked files, every other fuse) is the bits the installers ship.
//   npx tsx scripts/packaging/inspectable-copy.ts [dist] [dest]   prints the copy's executable
import { cpSync, mkdirSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses'
import { appInFolder, packagedApps, type PackagedApp } from './packaged-app'

export async function inspectableCopy(app: PackagedApp, dest: string): Promise<PackagedApp> {
  mkdirSync(dest, { recursive: true })
  const folder = basename(app.dir)
  // Symbolic links stay links: a macOS bundle's frameworks are made of them.
  cpSync(app.dir, resolve(dest, folder), { recursive: true, verbatimSymlinks: true })
  const copy = appInFolder(dest, folder)
  if (!copy) throw new Error(`${app.dir} is not a folder electron-builder makes`)
  await flipFuses(copy.fuseTarget, {
    version: FuseVersion.V1,
    [FuseV1Options.EnableNodeCliInspectArguments]: true,
    // A flipped arm64 macOS binary needs its ad-hoc signature made again, or it is killed at launch.
    resetAdHocDarwinSignature: process.platform === 'darwin',
  })
  return copy
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dist = resolve(process.argv[2] ?? 'dist')
  const dest = resolve(process.argv[3] ?? join(dist, 'inspectable'))
  const apps = packagedApps(dist)
  if (apps.length !== 1) {
    console.error(`expected one packaged app in ${dist}, found ${apps.length}`)
    process.exit(1)
  }
  console.log((await inspectableCopy(apps[0], dest)).executable)
}
