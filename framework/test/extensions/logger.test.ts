import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll } from '@roll/framework'
import { logger, options } from '@roll/framework/extensions'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
  vi.restoreAllMocks()
})

function appWith(setup: (app: Roll) => void): Roll {
  const app = new Roll()
  setup(app)
  app.route('/test', (request, response) => { response.body = 'test response' })
  app.route('/ws', { protocol: 'websocket' }, () => {})
  return app
}

describe('logger', () => {
  it('passes one `METHOD url` line per request to logger.info, query included', async () => {
    const lines: string[] = []
    client = createClient(appWith((app) => logger(app, { logger: { info: (line) => lines.push(line) } })))
    await client.get('/test?q=1&r')
    await client.post('/test')
    await client.get('/nowhere')
    expect(lines).toEqual(['GET /test?q=1&r', 'POST /test', 'GET /nowhere'])
  })

  it('logs to the console by default', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    client = createClient(appWith((app) => logger(app)))
    await client.get('/test')
    expect(info).toHaveBeenCalledExactlyOnceWith('GET /test')
  })

  it('logs websocket upgrades too', async () => {
    const lines: string[] = []
    const live = await createLiveClient(appWith((app) => logger(app, { logger: { info: (line) => lines.push(line) } })))
    client = live
    const ws = await live.websocket('/ws?room=1')
    await ws.close()
    expect(lines).toEqual(['GET /ws?room=1'])
  })

  it("logs nothing when the level is above 'info'", async () => {
    const info = vi.fn()
    client = createClient(appWith((app) => logger(app, { level: 'warn', logger: { info } })))
    await client.get('/test')
    expect(info).not.toHaveBeenCalled()
  })

  it("logs at 'info' and below", async () => {
    for (const level of ['debug', 'info'] as const) {
      const lines: string[] = []
      const app = appWith((app) => logger(app, { level, logger: { info: (line) => lines.push(line) } }))
      await createClient(app).get('/test')
      expect(lines).toEqual(['GET /test'])
    }
  })

  it('names the levels it knows, and refuses a null logger with its own message', () => {
    expect(() => logger(new Roll(), { level: 'loud' as 'info' })).toThrow(
      new RangeError("logger(): unknown level 'loud'; use one of debug, info, warn, error, silent."),
    )
    expect(() => logger(new Roll(), { logger: null as unknown as Console })).toThrow(
      new TypeError('logger(): `logger` must have an `info` method, as `console` does.'),
    )
  })

  it('throws at registration on an unknown level or a logger without info', () => {
    expect(() => logger(new Roll(), { level: 'loud' as 'info' })).toThrow("logger(): unknown level 'loud'")
    expect(() => logger(new Roll(), { logger: {} as Console })).toThrow('`logger` must have an `info` method')
  })

  it('sees OPTIONS requests when registered before options', async () => {
    const lines: string[] = []
    client = createClient(appWith((app) => { logger(app, { logger: { info: (line) => lines.push(line) } }); options(app) }))
    await client.options('/test')
    expect(lines).toEqual(['OPTIONS /test'])
  })
})
