// A run in 简体中文: the UI asks the host for a run in the language it shows, so the scenario's
// own lines come out in Chinese, and the Timeline's words (how each lane ended, what happened on
// it) are Chinese too. Switching back to English rewrites the Timeline of the finished run.
import type { Locator, Page } from '@playwright/test'
import { chooseLanguage, expect, test } from './fixtures'

function timelineLane(page: Page, tab: string, name: string): Locator {
  return page
    .getByRole('tabpanel', { name: tab })
    .getByTestId('timeline-table')
    .locator('tbody tr')
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}(?: \\(|（)pid \\d+(?:\\)|）)$`) }) })
}

test('in 中文 a scenario prints Chinese and the Timeline speaks Chinese; back in English it speaks English', async ({ app }) => {
  test.setTimeout(120_000)
  await chooseLanguage(app, 'zh')
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await app.locator('input[name="scenario"][value="producer-consumer-sentinel"]').check()
  await app.getByRole('button', { name: '运行', exact: true }).click()
  await expect(app.getByTestId('run-state')).toHaveText(/^用时 .+ 完成$/, { timeout: 60_000 })

  // The lines the lab processes printed (the pane shows the last ones): main's, the producers' and
  // the consumers', all in Chinese.
  const output = app.locator('.output-lines')
  await expect(output).toContainText('生产者都做完了；放入 3 个停止信号（每个消费者一个）')
  await expect(output).toContainText(/producer-\d 做好了 producer-\d\/包子-6/)
  await expect(output).toContainText(/consumer-\d 吃掉了 producer-\d\/包子-\d/)
  await expect(output).toContainText(/consumer-\d：拿到了停止信号（null），下班回家/)
  await expect(output).toContainText('退出码：producer-1 0，producer-2 0，consumer-1 0，consumer-2 0，consumer-3 0')
  await expect(output).not.toContainText(/ made | ate |going home|exit codes/)

  await app.getByRole('tab', { name: '时间线' }).click()
  const producer = timelineLane(app, '时间线', 'producer-1')
  await expect(producer).toContainText('退出码 0')
  // Six buns put, six lines printed: counted in words of the UI's language.
  await expect(producer).toContainText('6 × 队列 put/get')
  await expect(producer).toContainText('6 × 输出')
  await expect(producer).not.toContainText(/exit 0|queue put|output/)
  // The keyboard cursor's read-out is the same words.
  await app.getByTestId('timeline-chart').focus()
  await expect(app.getByTestId('timeline-readout')).toContainText(/MainProcess（pid \d+），存活于/)

  // The finished run's Timeline follows a language switch at once: nothing new has to happen in it.
  await chooseLanguage(app, 'en')
  const again = timelineLane(app, 'Timeline', 'producer-1')
  await expect(again).toContainText('exit 0')
  await expect(again).toContainText('6 × queue put/get')
  await expect(again).toContainText('6 × output')
  await expect(app.getByTestId('timeline-readout')).toContainText(/MainProcess \(pid \d+\), alive from/)
})
