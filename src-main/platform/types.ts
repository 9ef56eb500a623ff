// The one interface behind which each operating system's ways are kept (DESIGN.md, "platform/"):
// one module per OS implements it, index.ts picks one when it is first loaded, and nothing outside
// this folder asks which OS it runs on (as psutil's _ps<os> modules and htop's <os>/ folders do).
// Everything here is a fact about the OS or a way of doing something on it; what ProcLab decides
// with those facts (which pids may be signalled, what a run is) stays in lab/ and monitor/.

/** ProcLab's own folders for what it keeps between runs. */
export interface DataFolders {
  /** The folder that holds the others (the user's data folder for ProcLab). */
  root: string
  /** Recorded sessions, one NDJSON file each: what the app, `proclab serve`, `run` and `sessions` share. */
  sessions: string
  /** Exports made from the Sessions tab. */
  exports: string
}

export interface Platform {
  /** Node's name for the OS (process.platform), for records and messages: never a thing to branch on. */
  readonly name: NodeJS.Platform
  /** The OS as people call it, for messages ("does not exist on Windows"). */
  readonly title: string
  /** Where ProcLab keeps sessions and exports, from the user's environment and home folder. */
  dataFolders(env?: NodeJS.ProcessEnv, home?: string): DataFolders
  /**
   * Folders that earlier versions kept sessions in and that are no longer used, oldest rule first
   * (the desktop app on Linux once kept them apart from the CLI's): their files are moved over.
   */
  formerDataFolders(env?: NodeJS.ProcessEnv, home?: string): DataFolders[]
}
