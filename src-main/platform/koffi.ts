// The one way into native calls (koffi, an FFI whose npm package carries prebuilt binaries for
// every OS, so no compiler is needed). Loaded on first use and never at module load: every lab
// process loads platform/, and koffi costs a few milliseconds and memory a lab process would pay
// for nothing (dependency-cruiser's platform-stays-light). A missing or broken koffi is an error
// the caller can turn into a fallback, with the reason, rather than a crash at start.
import { createRequire } from 'node:module'

export type Koffi = typeof import('koffi')
export type NativeLibrary = ReturnType<Koffi['load']>

let loaded: Koffi | Error | null = null

/** koffi itself, loaded once; throws the reason it cannot be loaded (the same reason each time). */
export function loadKoffi(): Koffi {
  if (loaded === null) {
    try {
      loaded = createRequire(import.meta.url)('koffi') as Koffi
    } catch (error) {
      loaded = new Error(`native calls are unavailable: koffi did not load (${error instanceof Error ? error.message : String(error)})`)
    }
  }
  if (loaded instanceof Error) throw loaded
  return loaded
}

const libraries = new Map<string, NativeLibrary>()

/** A system library (kernel32.dll, ntdll.dll, libproc.dylib, libc.so.6), opened once per process. */
export function loadLibrary(name: string): NativeLibrary {
  let library = libraries.get(name)
  if (!library) {
    const koffi = loadKoffi()
    try {
      library = koffi.load(name)
    } catch (error) {
      // koffi's message does not always name the library (on Linux it leaves the name out).
      throw new Error(`${name} did not load (${error instanceof Error ? error.message : String(error)})`)
    }
    libraries.set(name, library)
  }
  return library
}
