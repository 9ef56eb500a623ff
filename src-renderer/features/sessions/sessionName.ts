/** A session is named by when it started, in local time: 2025-01-31 14:05:09 (the same in every language). */
export function sessionName(startedAtWall: number | null, fallback: string): string {
  if (startedAtWall === null) return fallback
  const d = new Date(startedAtWall)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}
