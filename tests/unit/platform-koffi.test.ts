// koffi, the FFI behind the native samplers and job objects, loads on this OS from its own
// prebuilt binary, and a library it opens answers a real call.
import { describe, expect, it } from 'vitest'
import { loadKoffi, loadLibrary } from '../../src-main/platform/koffi'
import { platform } from '../../src-main/platform'

const ownLibrary: Partial<Record<NodeJS.Platform, { library: string; getpid: string }>> = {
  linux: { library: 'libc.so.6', getpid: 'int getpid()' },
  darwin: { library: 'libc.dylib', getpid: 'int getpid()' },
  win32: { library: 'kernel32.dll', getpid: 'uint32_t __stdcall GetCurrentProcessId()' },
}

describe('koffi', () => {
  it('loads once and calls into the C library: the pid it returns is ours', () => {
    expect(loadKoffi()).toBe(loadKoffi())
    const own = ownLibrary[platform.name]
    if (!own) return
    const library = loadLibrary(own.library)
    expect(loadLibrary(own.library)).toBe(library)
    const getpid = library.func(own.getpid) as () => number
    expect(getpid()).toBe(process.pid)
  })
})
