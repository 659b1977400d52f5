// simpleServer's signal path, word for word: what it prints, that one signal removes both
// of its handlers, and exit code 1 when the shutdown fails.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll } from '@roll/framework'
import { simpleServer } from '@roll/framework/extensions'
import { waitUntil } from '../../../test/helpers/wait-until.js'

afterEach(() => { vi.restoreAllMocks() })

function helloApp() {
  const app = new Roll()
  app.route('/', (request, response) => { response.body = 'Hello' })
  return app
}

const counts = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]

describe('simpleServer on a signal', () => {
  for (const [signal, other] of [['SIGINT', 'SIGTERM'], ['SIGTERM', 'SIGINT']] as const) {
    it(`on ${signal}, prints that it stops and removes its ${signal} and ${other} handlers`, async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {})
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => {}) as typeof process.exit)
      const before = counts()
      const served = await simpleServer(helloApp(), { port: 0 })
      expect(counts()).toEqual([before[0] + 1, before[1] + 1])
      process.emit(signal, signal)
      expect(counts()).toEqual(before)
      expect(log.mock.calls).toEqual([[`Rolling on ${served.url}`], [`\n${signal} received, stopping…`]])
      await waitUntil('the exit', () => exit.mock.calls.length > 0, 5000)
      // The other signal, now, is no longer simpleServer's business.
      process.emit(other, other)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(exit.mock.calls).toEqual([[0]])
      expect(log).toHaveBeenCalledTimes(2)
    })
  }

  it('prints nothing on a signal when quiet', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {}) as typeof process.exit)
    await simpleServer(helloApp(), { port: 0, quiet: true })
    process.emit('SIGTERM', 'SIGTERM')
    await waitUntil('the exit', () => exit.mock.calls.length > 0, 5000)
    expect(exit.mock.calls).toEqual([[0]])
    expect(log).not.toHaveBeenCalled()
  })

  it('logs a failed shutdown and exits with 1', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {}) as typeof process.exit)
    const app = helloApp()
    const failure = new Error('the database would not let go')
    app.listen('shutdown', () => { throw failure })
    const served = await simpleServer(app, { port: 0 })
    process.emit('SIGINT', 'SIGINT')
    await waitUntil('the exit', () => exit.mock.calls.length > 0, 5000)
    expect(exit.mock.calls).toEqual([[1]])
    expect(errors.mock.calls).toEqual([['[roll] shutdown failed:', failure]])
    expect(served.server.listening).toBe(false)
  })
})
