// Which class of the API a variable of a script holds, as far as the text tells without a type
// checker: `const lock = new Lock(…)`, `lock: Lock` (a parameter or a typed const), or the class
// itself (`Process.` for a static member). Pure, so it is tested without a page.

export function classOfVariable(text: string, variable: string, isClass: (name: string) => boolean): string | null {
  if (isClass(variable)) return variable
  const name = variable.replace(/\$/g, '\\$')
  const made = new RegExp(`\\b${name}\\s*(?::\\s*[\\w.<>]+\\s*)?=\\s*(?:await\\s+)?new\\s+(\\w+)`).exec(text)
  const typed = new RegExp(`\\b${name}\\s*\\??:\\s*(\\w+)`).exec(text)
  for (const candidate of [made?.[1], typed?.[1]]) if (candidate && isClass(candidate)) return candidate
  return null
}
