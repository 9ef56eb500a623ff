import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

/**
 * The built-in scenarios are lab scripts that run as they are written. They go into the main build
 * (out/main/scenarios) so that an installed app, which ships the build and not the sources, has them
 * next to the `proclab` module they import.
 */
function builtInScenarios(): Plugin {
  const dir = resolve('src-main/scenarios')
  return {
    name: 'proclab-built-in-scenarios',
    generateBundle() {
      for (const file of readdirSync(dir).filter((name) => name.endsWith('.mjs'))) {
        this.emitFile({ type: 'asset', fileName: `scenarios/${file}`, source: readFileSync(join(dir, file)) })
      }
    },
  }
}

// One build makes all three parts. The main side has several entries that share chunks,
// so a lab script's `import 'proclab'` (out/main/lab.js) and the lab runtime
// (out/main/lab-runtime.js) load one and the same module instance.
export default defineConfig({
  main: {
    plugins: [builtInScenarios()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve('src-main/electron/index.ts'),
          cli: resolve('src-main/cli/index.ts'),
          lab: resolve('src-main/lab/index.ts'),
          'lab-runtime': resolve('src-main/lab/runtime/entry.ts'),
          'lab-hooks': resolve('src-main/lab/runtime/hooks.ts'),
          // The shared-memory groundwork of issue 15, for bench/lab/shm-lock.mjs until the public Lock uses it.
          'lab-shm': resolve('src-main/lab/shm/index.ts'),
        },
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads must be one CommonJS file with nothing external.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      // The same bundle is served by `proclab serve`; small is fast to load.
      minify: process.env.PROCLAB_NO_MINIFY ? false : true,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
})
