// How the desktop installers are made. electron-builder finds this file by its name; the layout test
// (tests/unit/package-layout.test.ts) and the fuse check (scripts/packaging/check-fuses.ts) read the
// same exports, so what they prove is what the installers contain.
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Configuration } from 'electron-builder'

/**
 * What goes into the app, relative to the project folder: the build output, the `proclab` command
 * and the workloads `proclab bench` runs; sources, tests, docs and screenshots stay out.
 * electron-builder adds the production dependencies (package.json's "dependencies") itself;
 * devDependencies never ship. Of those, what nothing runs is left out: TypeScript sources and
 * typings, source maps, and esbuild's command-line copy of its binary (tsx calls esbuild's API,
 * which runs the one in @esbuild/<platform>).
 */
export const APP_FILES = ['package.json', 'bin/proclab.js', 'out/**', 'bench/{lab,node,python}/**', '!**/*.map', '!node_modules/**/*.{ts,cts,mts}', '!node_modules/esbuild/bin/**']

/**
 * What is unpacked next to the archive (resources/app.asar.unpacked) as real files. Only Electron's
 * own fs reads inside app.asar; everything that runs in another process must be a real file:
 * - lab processes run out/main/lab-runtime.js with the app's binary as Node (ELECTRON_RUN_AS_NODE),
 *   and a lab script's `import 'proclab'` is out/main/lab.js; TypeScript lab scripts load tsx, whose
 *   esbuild is a native executable; the built-in scenarios are out/main/scenarios/*.mjs;
 * - the `proclab` command (bin/proclab.js -> out/main/cli.js) must run from plain Node as well, with
 *   every production dependency (ws, zod, systeminformation, tsx, esbuild; native `.node` files of
 *   any future dependency alike), the renderer for `proclab serve` and the workloads of `proclab bench`;
 * - package.json, because the code finds its root (and the `proclab` self-reference) by it.
 * What stays in the archive is what only Electron reads: the preload (the main entry is unpacked
 * with the chunks it shares with the CLI). The asar integrity fuse covers the archive, not the
 * unpacked files: those are as safe as the install folder they sit in.
 */
export const UNPACKED = ['package.json', 'bin/**', 'out/main/**', 'out/renderer/**', 'bench/**', 'node_modules/**']

/**
 * Electron's fuses, flipped in the packaged binary and read back by scripts/packaging/check-fuses.ts.
 * Every fuse is set explicitly, so an Electron upgrade that changes a default cannot change the app.
 */
export const FUSES = {
  // Lab processes and the CLI run on the app's own binary as Node. Off, no run could start.
  runAsNode: true,
  enableCookieEncryption: true,
  // The app's binary ignores NODE_OPTIONS and --inspect flags, in the window's process and in lab
  // processes alike: extra Node flags for a lab go through PROCLAB_NODE_ARGS (not --inspect).
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // Only app.asar is loaded as the app, and its header is checked against the hash in the binary
  // (macOS and Windows; Linux has no embedded hash).
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  // The window loads out/renderer/index.html from file://, whose module scripts need these privileges.
  grantFileProtocolExtraPrivileges: true,
} as const satisfies NonNullable<Configuration['electronFuses']>

// Targets name no architecture: electron-builder then builds for the ones given on its command line
// (the host's when none is). CI builds linux --x64, win --x64, mac --arm64 on an arm64 runner and
// mac --x64 on an x64 one; `--mac --x64 --arm64` makes both on one Mac. An architecture written
// here would be built whatever the command line says.
/**
 * koffi carries a prebuilt binary for every OS and CPU it knows (18 folders, 26 MB) and its C++
 * sources; an installer needs only the binaries of its own OS for the CPUs we build (x64, arm64).
 * The folders are read from the installed koffi, so one it adds later is left out too.
 */
function koffiOnlyFor(...keep: string[]): string[] {
  const builds = fileURLToPath(new URL('node_modules/koffi/build/koffi', import.meta.url))
  const folders = existsSync(builds) ? readdirSync(builds) : []
  const dropped = folders.filter((folder) => !keep.includes(folder))
  return [...dropped.map((folder) => `!node_modules/koffi/build/koffi/${folder}/**`), '!node_modules/koffi/{src,lib,vendor,doc}/**']
}

export const KOFFI_FILES = {
  linux: koffiOnlyFor('linux_x64', 'linux_arm64', 'musl_x64', 'musl_arm64'),
  win: koffiOnlyFor('win32_x64', 'win32_arm64'),
  mac: koffiOnlyFor('darwin_x64', 'darwin_arm64'),
}

const config: Configuration = {
  appId: 'io.github.proclab.desktop',
  productName: 'ProcLab',
  copyright: 'Copyright © ProcLab contributors',
  directories: { output: 'dist', buildResources: 'build' },
  // Each platform's own list below: APP_FILES and its koffi rule (electron-builder reads a platform's
  // list of exclusions alone as "everything but these", so it repeats APP_FILES).
  asar: true,
  asarUnpack: UNPACKED,
  // No native module of our own to rebuild against Electron's headers (which would be a download).
  npmRebuild: false,
  // Flipping fuses on an arm64 macOS binary breaks its ad-hoc signature; this re-signs it ad hoc.
  electronFuses: { ...FUSES, resetAdHocDarwinSignature: true },
  artifactName: '${productName}-${version}-${os}-${arch}.${ext}',
  linux: {
    target: ['AppImage', 'deb'],
    files: [...APP_FILES, ...KOFFI_FILES.linux],
    executableName: 'proclab',
    icon: 'build/icons',
    category: 'Development',
    synopsis: 'Process monitor and multiprocessing lab',
    maintainer: 'ProcLab contributors',
  },
  win: {
    target: ['nsis'],
    files: [...APP_FILES, ...KOFFI_FILES.win],
    icon: 'build/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
  },
  mac: {
    target: ['dmg', 'zip'],
    files: [...APP_FILES, ...KOFFI_FILES.mac],
    icon: 'build/icon.icns',
    category: 'public.app-category.developer-tools',
  },
}

export default config
