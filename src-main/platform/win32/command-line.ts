// A Windows command line as the program's argv: Windows passes one string, and each program
// splits it itself, almost always by the rules of the C runtime (CommandLineToArgvW's). Pure.

/**
 * The C runtime's rules: arguments are parted by spaces and tabs outside quotes; 2n backslashes
 * before a quote are n backslashes and the quote opens or closes; 2n+1 are n and a literal quote;
 * backslashes before anything else are themselves; "" inside quotes is a literal quote. The
 * program's name, first, is read without backslash rules: up to the next space, or quote to quote.
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = []
  let i = 0
  const skipBlanks = () => {
    while (line[i] === ' ' || line[i] === '\t') i++
  }
  skipBlanks()
  if (i >= line.length) return args
  // The program name.
  if (line[i] === '"') {
    const close = line.indexOf('"', i + 1)
    args.push(line.slice(i + 1, close === -1 ? line.length : close))
    i = close === -1 ? line.length : close + 1
  } else {
    const start = i
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++
    args.push(line.slice(start, i))
  }
  for (;;) {
    skipBlanks()
    if (i >= line.length) return args
    let arg = ''
    let quoted = false
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '\\') {
        let slashes = 0
        while (line[i] === '\\') {
          slashes++
          i++
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(slashes / 2))
          if (slashes % 2 === 1) {
            arg += '"'
            i++
          }
        } else {
          arg += '\\'.repeat(slashes)
        }
      } else if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"'
          i += 2
        } else {
          quoted = !quoted
          i++
        }
      } else {
        arg += line[i]
        i++
      }
    }
    args.push(arg)
  }
}
