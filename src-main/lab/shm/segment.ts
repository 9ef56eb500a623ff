// A named shared memory segment: created by one lab process (private to the user, a random name),
// opened by name from others, its memory seen as 32-bit words that `Atomics` work on. The first
// words are a header that lets `open` check it found a ProcLab segment of the size it expected;
// the words after it are the users' (lock words, counters).
import { sharedMemory, SharedMemoryError, type SharedMapping, type SharedMemorySupport, type WaitKind, type WaitOutcome } from '../../platform/shared-memory'

/** "PLSM" in ASCII: the first word of every ProcLab segment. */
const MAGIC = 0x504c534d
const LAYOUT_VERSION = 1
/** Words 0-3: magic, layout version, size in bytes, reserved. */
export const HEADER_WORDS = 4
const NAME_PREFIX = 'proclab-'
const PAGE = 4096

/** What another process needs to open a segment: its name and its size. */
export interface SegmentAddress {
  name: string
  size: number
}

function randomName(): string {
  // The name is not a secret: the segment is created exclusively (O_EXCL) and readable by this
  // user only, so a name someone guessed first only makes create() pick another. (Math.random,
  // not node:crypto, which would cost every lab process ~5 ms to load.)
  let suffix = ''
  while (suffix.length < 16) suffix += Math.floor(Math.random() * 2 ** 32).toString(36)
  return NAME_PREFIX + suffix.slice(0, 16)
}

function supportOrThrow(support: SharedMemorySupport | null | undefined): SharedMemorySupport {
  const chosen = support === undefined ? sharedMemory() : support
  if (!chosen) throw new SharedMemoryError('shared memory is not available on this OS', 'ENOSYS')
  return chosen
}

export class SharedSegment {
  private unlinked = false

  private constructor(
    private readonly mapping: SharedMapping,
    private readonly support: SharedMemorySupport,
  ) {}

  /** A new zero-filled segment of at least `bytes` bytes after the header (rounded up to whole pages). */
  static create(bytes: number, support?: SharedMemorySupport | null): SharedSegment {
    const os = supportOrThrow(support)
    const size = Math.ceil((HEADER_WORDS * 4 + Math.max(0, bytes)) / PAGE) * PAGE
    for (let attempt = 0; ; attempt++) {
      let mapping: SharedMapping
      try {
        mapping = os.create(randomName(), size)
      } catch (error) {
        if (error instanceof SharedMemoryError && error.code === 'EEXIST' && attempt < 8) continue
        throw error
      }
      mapping.words[1] = LAYOUT_VERSION
      mapping.words[2] = size
      // The magic last: a segment whose magic is there has its header complete.
      Atomics.store(mapping.words, 0, MAGIC)
      return new SharedSegment(mapping, os)
    }
  }

  /** Opens a segment that `create` made, in this or another process. */
  static open(address: SegmentAddress, support?: SharedMemorySupport | null): SharedSegment {
    const os = supportOrThrow(support)
    if (!address.name.startsWith(NAME_PREFIX) || !Number.isInteger(address.size) || address.size <= 0 || address.size % PAGE !== 0) {
      throw new SharedMemoryError(`not a ProcLab segment address: ${JSON.stringify(address)}`, 'EINVAL')
    }
    const mapping = os.open(address.name, address.size)
    const { words } = mapping
    if (Atomics.load(words, 0) !== MAGIC || words[1] !== LAYOUT_VERSION || words[2] !== address.size) {
      mapping.close()
      throw new SharedMemoryError(`shared memory segment ${address.name} is not a ProcLab segment of ${address.size} bytes`, 'EINVAL')
    }
    return new SharedSegment(mapping, os)
  }

  get name(): string {
    return this.mapping.name
  }

  get size(): number {
    return this.mapping.size
  }

  get address(): SegmentAddress {
    return { name: this.mapping.name, size: this.mapping.size }
  }

  /** Every word of the segment, the header included: users start at HEADER_WORDS. */
  get words(): Int32Array {
    return this.mapping.words
  }

  get waitKind(): WaitKind {
    return this.mapping.waitKind
  }

  /** Where the segment shows in the file system (Linux: /dev/shm/<name>), or null. */
  get path(): string | null {
    return this.support.pathOf(this.mapping.name)
  }

  wait(index: number, expected: number, timeoutMs: number): WaitOutcome {
    return this.mapping.wait(index, expected, timeoutMs)
  }

  waitAsync(index: number, expected: number, timeoutMs: number): Promise<WaitOutcome> {
    return this.mapping.waitAsync(index, expected, timeoutMs)
  }

  wake(index: number, count: number): number {
    return this.mapping.wake(index, count)
  }

  /** Unmaps it from this process; its words must not be touched afterwards. */
  close(): void {
    this.mapping.close()
  }

  /** Removes its name (other processes' mappings stay valid). Idempotent in this process. */
  unlink(): void {
    if (this.unlinked) return
    this.unlinked = true
    this.support.unlink(this.mapping.name)
  }
}
