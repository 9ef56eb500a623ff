// Reads the fuses of every packaged app in the output folder and fails unless each one is what
// electron-builder.ts asks for (above all RunAsNode on: lab processes run on the app's binary as
// Node). CI runs it after electron-builder on each OS, against the real Electron binary.
//   npx tsx scripts/packaging/check-fuses.ts [dist]
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FuseState, FuseV1Options, getCurrentFuseWire, type FuseConfig } from '@electron/fuses'
import { FUSES } from '../../electron-builder'
import { packagedApps } from './packaged-app'

export type FuseSettings = Readonly<Record<keyof typeof FUSES, boolean>>

/** electron-builder's names for the fuses, and their place in the binary's fuse wire. */
export const FUSE_INDEX: Readonly<Record<keyof typeof FUSES, FuseV1Options>> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
}

export interface FuseReading {
  fuse: keyof typeof FUSES
  expected: 'on' | 'off'
  found: 'on' | 'off' | 'removed' | 'inherit' | 'missing' | `byte ${number}`
  ok: boolean
}

function describe(state: number | undefined): FuseReading['found'] {
  switch (state) {
    case undefined:
      return 'missing'
    case FuseState.ENABLE:
      return 'on'
    case FuseState.DISABLE:
      return 'off'
    case FuseState.REMOVED:
      return 'removed'
    case FuseState.INHERIT:
      return 'inherit'
    default:
      return `byte ${state}`
  }
}

/** Each configured fuse against the wire read from a binary. */
export function compareFuses(wire: FuseConfig<FuseState>, expected: FuseSettings = FUSES): FuseReading[] {
  if (wire.version !== '1') throw new Error(`fuse wire version ${wire.version} is not the one this check knows (1)`)
  const states = wire as unknown as Record<number, number | undefined>
  return (Object.keys(expected) as (keyof typeof FUSES)[]).map((fuse) => {
    const want = expected[fuse] ? 'on' : 'off'
    const found = describe(states[FUSE_INDEX[fuse]])
    return { fuse, expected: want, found, ok: found === want }
  })
}

export async function checkFuses(fuseTarget: string, expected: FuseSettings = FUSES): Promise<FuseReading[]> {
  return compareFuses(await getCurrentFuseWire(fuseTarget), expected)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dist = resolve(process.argv[2] ?? 'dist')
  const apps = packagedApps(dist)
  if (apps.length === 0) {
    console.error(`no packaged app in ${dist}: run electron-builder first`)
    process.exit(1)
  }
  let failed = false
  for (const app of apps) {
    const readings = await checkFuses(app.fuseTarget)
    console.log(`fuses of ${app.fuseTarget}:`)
    for (const { fuse, expected, found, ok } of readings) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${fuse}: ${found}${ok ? '' : ` (expected ${expected})`}`)
    failed ||= readings.some((reading) => !reading.ok)
  }
  process.exit(failed ? 1 : 0)
}
