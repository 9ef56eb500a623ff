// What the user sees when the host goes away.
import { expect, test } from './fixtures'

// The browser logs each failed reconnect; that is expected here.
test.use({ allowedConsoleErrors: /WebSocket connection to .* failed/ })

test('losing the host shows a disconnected state and keeps trying to reconnect', async ({ app, server }) => {
  const status = app.getByTestId('connection-status')
  await expect(status).toHaveText('Connected')
  await expect(app.getByRole('button', { name: 'Run', exact: true })).toBeEnabled()

  await server.stop()
  await expect(status).toHaveText(/^Disconnected/)
  await expect(app.getByRole('alert').filter({ hasText: 'Disconnected from the ProcLab host' })).toBeVisible()
  await expect(app.getByRole('button', { name: 'Run', exact: true })).toBeDisabled()
  // It tries again, more than once.
  await expect(status).toHaveText(/reconnecting \(attempt ([3-9]|\d\d+)\)/, { timeout: 15_000 })
})
