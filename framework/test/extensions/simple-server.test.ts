import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll } from '@roll/framework'
import { simpleServer } from '@roll/framework/extensions'
import { waitUntil } from '../../../test/helpers/wait-until.js'

afterEach(() => { vi.restoreAllMocks() })

function helloApp(events: string[] = []) {
  const app = new Roll()
  app.listen('startup', () => { events.push('startup') })
  app.listen('shutdown', () => { events.push('shutdown') })
  app.route('/', (request, response) => { response.body = 'Hello' })
  return app
}

const waitFor = (check: () => boolean) => waitUntil(String(check), check, 3_000)

describe('simpleServer', () => {
  it('serves the app, fires startup, and prints where it rolls', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const events: string[] = []
    const served = await simpleServer(helloApp(events), { port: 0 })
    expect(served.url).toBe(`http://127.0.0.1:${served.port}`)
    expect(log).toHaveBeenCalledWith(`Rolling on ${served.url}`)
    expect(await (await fetch(served.url)).text()).toBe('Hello')
    await served.close()
    expect(events).toEqual(['startup', 'shutdown'])
  })

  it('prints nothing when quiet', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const served = await simpleServer(helloApp(), { port: 0, quiet: true })
    await served.close()
    expect(log).not.toHaveBeenCalled()
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops cleanly on ${signal}: fires shutdown, stops listening, exits with 0`, async () => {
      vi.spyOn(console, 'log').mockImplementation(() => {})
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => {}) as typeof process.exit)
      const events: string[] = []
      const served = await simpleServer(helloApp(events), { port: 0 })
      process.emit(signal, signal)
      await waitFor(() => exit.mock.calls.length > 0)
      expect(exit).toHaveBeenCalledWith(0)
      expect(events).toEqual(['startup', 'shutdown'])
      expect(served.server.listening).toBe(false)
      await expect(fetch(served.url)).rejects.toThrow()
    })
  }

  it('removes its signal handlers on close()', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    const served = await simpleServer(helloApp(), { port: 0, quiet: true })
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before[0] + 1, before[1] + 1])
    await served.close()
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before)
  })

  it('lets an in-flight request finish on a signal', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {}) as typeof process.exit)
    const app = helloApp()
    let release!: () => void
    const arrived = new Promise<void>((resolve) => {
      app.route('/slow', async (request, response) => {
        resolve()
        await new Promise<void>((done) => (release = done))
        response.body = 'done'
      })
    })
    const served = await simpleServer(app, { port: 0 })
    const pending = fetch(`${served.url}/slow`).then((response) => response.text())
    await arrived
    process.emit('SIGTERM', 'SIGTERM')
    release()
    expect(await pending).toBe('done')
    await waitFor(() => exit.mock.calls.length > 0)
  })
})
