/** Whether a process with this pid exists (a zombie counts: it has not been reaped yet). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
