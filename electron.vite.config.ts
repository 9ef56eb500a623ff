import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// One build makes all three parts. The main side has several entries that share chunks,
// so a lab script's `import 'proclab'` (out/main/lab.js) and the lab runtime
// (out/main/lab-runtime.js) load one and the same module instance.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve('src-main/electron/index.ts'),
          cli: resolve('src-main/cli/index.ts'),
          lab: resolve('src-main/lab/index.ts'),
          'lab-runtime': resolve('src-main/lab/runtime/entry.ts'),
          'lab-hooks': resolve('src-main/lab/runtime/hooks.ts'),
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
