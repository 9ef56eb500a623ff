// The shared-memory fast path's groundwork (issue 15): segments and lock words. Not wired into the
// public Lock yet; docs/shared-memory.md explains the layout and what happens when a process dies.
export { HEADER_WORDS, SharedSegment, type SegmentAddress } from './segment'
export { SharedLock, SharedLockError, WAITERS_BIT } from './lock'
export { SharedMemoryError, type WaitKind } from '../../platform/shared-memory'
