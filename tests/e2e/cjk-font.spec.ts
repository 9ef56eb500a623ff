// Chinese output in the output pane is drawn by a CJK font the page names, not left to whatever the
// browser's last-resort fallback finds (or to boxes): the pane's monospace stack ends with the CJK
// fonts of each OS. Checked with the browser's own answer to "which fonts drew this node" (CDP),
// on a machine with a CJK font (.ci/run installs Debian's fonts-wqy-zenhei).
import { spawnSync } from 'node:child_process'
import { expect, runScriptSource, test } from './fixtures'

/** The CJK fonts fontconfig knows, by family (empty where there is no fc-list or no such font). */
function cjkFamilies(): string[] {
  const listed = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' })
  return listed.status === 0 ? listed.stdout.split('\n').flatMap((line) => line.split(',')).map((name) => name.trim()).filter(Boolean) : []
}

const LINE = '小黑 等宽 output 123'

test('Chinese output is drawn by a CJK font of the page’s stack, not by the browser’s last-resort fallback', async ({ app }) => {
  test.skip(cjkFamilies().length === 0, 'needs a CJK font (Debian: apt-get install fonts-wqy-zenhei; .ci/run installs it)')
  await runScriptSource(app, `export default async function main() { console.log(${JSON.stringify(LINE)}) }\n`)
  const line = app.locator('.output-line', { hasText: LINE })
  await expect(line).toBeVisible({ timeout: 30_000 })

  const stack = await line.evaluate((el) => getComputedStyle(el).fontFamily)
  const cdp = await app.context().newCDPSession(app)
  await cdp.send('DOM.enable')
  await cdp.send('CSS.enable')
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 })
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '.output-line' })
  const fonts = []
  for (const nodeId of nodeIds) {
    const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId })
    if (!outerHTML.includes('小黑')) continue
    // The fonts of the line's text, wherever it sits below the line element.
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: -1 })
    const textIds: number[] = []
    const walk = (n: { nodeType: number; nodeValue?: string; backendNodeId: number; children?: unknown[] }) => {
      if (n.nodeType === 3 && n.nodeValue?.includes('小黑')) textIds.push(n.backendNodeId)
      for (const child of (n.children ?? []) as (typeof n)[]) walk(child)
    }
    walk(node as never)
    const { nodeIds: pushed } = await cdp.send('DOM.pushNodesByBackendIdsToFrontend', { backendNodeIds: textIds.length ? textIds : [node.backendNodeId] })
    for (const id of pushed) fonts.push(...(await cdp.send('CSS.getPlatformFontsForNode', { nodeId: id })).fonts)
  }
  expect(fonts.length, 'the line was found and measured').toBeGreaterThan(0)
  const named = stack.split(',').map((name) => name.trim().replace(/^["']|["']$/g, '').toLowerCase())
  const cjk = fonts.filter((font) => /cjk|wenquanyi|yahei|pingfang|hiragino|sarasa/i.test(font.familyName))
  // Every font that drew the line is one the page named (no last-resort fallback), and one of them is a CJK font.
  for (const font of fonts) expect(named, `${font.familyName} drew part of the line, but the page's stack is ${stack}`).toContain(font.familyName.toLowerCase())
  expect(cjk.length, `fonts used: ${fonts.map((f) => f.familyName).join(', ')}`).toBeGreaterThan(0)
})
