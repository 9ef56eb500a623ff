// Counts of a vitest JSON report, the skipped tests grouped by the reason they give (tests/helpers/platform.ts
// puts it in meta.skipReason), and the failed tests by name.
//   node scripts/vitest-summary.mjs test-reports/windows/vitest.json "Windows (Wine)"
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

/** The test file relative to the project; under Wine vitest names it Z:/work/..., Wine's drive for /. */
function projectPath(name) {
  return relative(process.cwd(), name.replaceAll('\\', '/').replace(/^[A-Za-z]:\//, '/'))
}

export function summarize(report, label) {
  const lines = [`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`]
  const reasons = new Map()
  const failed = []
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      const where = `${projectPath(file.name)} > ${test.fullName}`
      if (test.status === 'failed') failed.push(where)
      if (test.status !== 'skipped' && test.status !== 'pending' && test.status !== 'todo') continue
      const reason = test.meta?.skipReason ?? '(no reason given)'
      reasons.set(reason, [...(reasons.get(reason) ?? []), where])
    }
  }
  for (const [reason, tests] of [...reasons].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`  skipped ${tests.length}, ${reason}`, ...tests.map((t) => `      ${t}`))
  }
  for (const test of failed) lines.push(`  FAILED ${test}`)
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, label = 'vitest'] = process.argv.slice(2)
  try {
    console.log(summarize(JSON.parse(readFileSync(file, 'utf8')), label))
  } catch (error) {
    console.log(`${label}: no readable report at ${file} (${error.message})`)
  }
}
