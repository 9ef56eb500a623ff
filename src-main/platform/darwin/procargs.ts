// sysctl KERN_PROCARGS2's answer, as ps reads it for its command column: a native int argc, the
// executable's path NUL-terminated, NUL padding to a word boundary, then argc NUL-terminated
// arguments, then the environment (not read). Pure, so tested on any OS.

export interface ProcArgs {
  /** The path the kernel started (exec_path). */
  path: string
  argv: string[]
}

export function parseProcArgs(bytes: Uint8Array): ProcArgs | null {
  if (bytes.byteLength < 4) return null
  const argc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0, true)
  let at = 4
  const pathEnd = bytes.indexOf(0, at)
  if (pathEnd === -1) return null
  const path = UTF8.decode(bytes.subarray(at, pathEnd))
  at = pathEnd
  while (at < bytes.byteLength && bytes[at] === 0) at++
  const argv: string[] = []
  while (argv.length < argc && at < bytes.byteLength) {
    let end = bytes.indexOf(0, at)
    if (end === -1) end = bytes.byteLength
    argv.push(UTF8.decode(bytes.subarray(at, end)))
    at = end + 1
  }
  return { path, argv }
}

const UTF8 = new TextDecoder()
