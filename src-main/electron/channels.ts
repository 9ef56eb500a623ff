// IPC channel names. src-preload/index.ts spells the same two strings: the sandboxed preload is
// bundled on its own and imports nothing from the main side.
export const REQUEST_CHANNEL = 'proclab:request'
export const FRAME_CHANNEL = 'proclab:frame'
