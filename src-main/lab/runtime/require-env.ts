/** A variable the host sets for every lab process; without it this program was started by hand. */
export function requireEnv(name: string): string {
  const value = process.env[name]
  if (!value) {
    process.stderr.write(`This is ProcLab's lab runtime; it is started by the ProcLab host, not by hand (${name} is unset).\n`)
    process.exit(2)
  }
  return value
}
