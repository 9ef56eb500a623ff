// What a new script starts from: the smallest whole lab script, in JavaScript and in TypeScript.
// A target is exported, because a child process finds its function by name (DESIGN.md).

export interface Template {
  id: 'process-js' | 'process-ts'
  /** The message key of its name in the Open list. */
  labelKey: string
  fileName: string
  source: string
}

export const TEMPLATES: readonly Template[] = [
  {
    id: 'process-js',
    labelKey: 'editor.open.templateJs',
    fileName: 'my-script.mjs',
    source: `import { Process, currentProcess, sleep } from 'proclab'

// A child runs an exported function: it is found by name in the new process.
export async function work(times) {
  for (let i = 1; i <= times; i++) {
    console.log(\`\${currentProcess().name}: step \${i} of \${times}\`)
    await sleep(200)
  }
}

export default async function main() {
  const p = new Process({ target: work, args: [3], name: 'worker' })
  await p.start()
  await p.join()
  console.log('worker exited with', p.exitCode)
}
`,
  },
  {
    id: 'process-ts',
    labelKey: 'editor.open.templateTs',
    fileName: 'my-script.ts',
    source: `import { Process, currentProcess, sleep } from 'proclab'

// A child runs an exported function: it is found by name in the new process.
export async function work(times: number): Promise<void> {
  for (let i = 1; i <= times; i++) {
    console.log(\`\${currentProcess().name}: step \${i} of \${times}\`)
    await sleep(200)
  }
}

export default async function main(): Promise<void> {
  const p = new Process({ target: work, args: [3], name: 'worker' })
  await p.start()
  await p.join()
  console.log('worker exited with', p.exitCode)
}
`,
  },
]

/** TypeScript by its extension, as the lab runtime decides (.ts and .mts go through tsx). */
export function isTypeScript(fileName: string): boolean {
  return /\.m?ts$/i.test(fileName)
}
