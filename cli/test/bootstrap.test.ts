// The server bootstrap of dist/server.mjs, run in the test process with a fake serve and
// process.exit caught: PORT/HOST/ROLL_* from the environment, the health check, signals,
// uncaught errors, roll start's drain protocol, and stacks mapped through the bundle's map.
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DRAIN, STOPPED_LISTENING } from '../src/server/start-protocol.js'

// Everything here is in-process and driven by fakes, done in milliseconds: a test that
// waits seconds waits for what will not come (the code broken, as by a mutant).
vi.setConfig({ testTimeout: 5_000 })

type Listener = (request: { path: string }, response: { status: number; body: unknown }) => boolean

function fakeApp() {
  const listeners: Listener[] = []
  return {
    route: () => undefined,
    dispatch: () => undefined,
    listen: vi.fn((event: string, listener: Listener) => {
      expect(event).toBe('headers')
      listeners.push(listener)
    }),
    listeners,
  }
}

function fakeServe(url = 'http://127.0.0.1:3579') {
  let closed: (() => void) | undefined
  let failClose: ((error: unknown) => void) | undefined
  const served = {
    url,
    stopListening: vi.fn(),
    close: vi.fn(() => new Promise<void>((resolve, reject) => ((closed = resolve), (failClose = reject)))),
  }
  const serve = vi.fn(async (_app: unknown, _options: { port: number; host: string; drainTimeout: number }) => served)
  return { serve, served, finishClose: () => closed!(), failClose: (error: unknown) => failClose!(error) }
}

const processEvents = ['uncaughtException', 'SIGTERM', 'SIGINT', 'message'] as const
type AnyListener = (...args: unknown[]) => void
const listenersOf = (event: (typeof processEvents)[number]) => (process.listeners as (event: string) => AnyListener[])(event)
const before = Object.fromEntries(processEvents.map((event) => [event, listenersOf(event)]))
let logged: string[]
let errors: unknown[][]
let exits: unknown[]
let isWorker: boolean
let workerId: number
const HINT = '[roll] an unexpected error is logged in one line; to log its stack too, add traceback(app) from @roll/framework/extensions'

beforeEach(() => {
  isWorker = false
  workerId = 2
  vi.doMock('node:cluster', () => ({ default: { get isWorker() { return isWorker }, get worker() { return isWorker ? { id: workerId } : undefined } } }))
  vi.resetModules()
  logged = []
  errors = []
  exits = []
  for (const name of ['PORT', 'HOST', 'ROLL_DRAIN_TIMEOUT', 'ROLL_HEALTH_PATH']) vi.stubEnv(name, undefined)
  vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args))
  vi.spyOn(process, 'exit').mockImplementation((code) => void exits.push(code) as never)
})

afterEach(() => {
  for (const event of processEvents) {
    for (const listener of listenersOf(event)) if (!before[event]!.includes(listener)) process.off(event, listener)
  }
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  vi.doUnmock('node:cluster')
  vi.doUnmock('node:fs')
  vi.resetModules()
})

function added(event: (typeof processEvents)[number]): ((...args: unknown[]) => void)[] {
  return listenersOf(event).filter((listener) => !before[event]!.includes(listener))
}

async function bootstrap() {
  return import('../src/server/bootstrap.js')
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('run', () => {
  it('serves the app on 127.0.0.1:3579 with a 10 s drain by default and says where', async () => {
    const { run } = await bootstrap()
    const app = fakeApp()
    const { serve } = fakeServe()
    await run({ app }, serve, 'src/app.ts')
    expect(serve).toHaveBeenCalledWith(app, { port: 3579, host: '127.0.0.1', drainTimeout: 10_000 })
    expect(logged).toEqual(['Rolling on http://127.0.0.1:3579', HINT])
    expect(exits).toEqual([])
    expect(added('SIGTERM')).toHaveLength(1)
    expect(added('SIGINT')).toHaveLength(1)
    expect(added('uncaughtException')).toHaveLength(1)
  })

  it('does not name traceback when the app uses it', async () => {
    const { run } = await bootstrap()
    const app = Object.assign(fakeApp(), { [Symbol.for('roll.traceback')]: true })
    await run({ app }, fakeServe().serve, 'src/app.ts')
    expect(logged).toEqual(['Rolling on http://127.0.0.1:3579'])
  })

  it('takes PORT, HOST and ROLL_DRAIN_TIMEOUT from the environment, an empty one as unset', async () => {
    vi.stubEnv('PORT', '0')
    vi.stubEnv('HOST', '0.0.0.0')
    vi.stubEnv('ROLL_DRAIN_TIMEOUT', '86400000')
    const { run } = await bootstrap()
    const { serve } = fakeServe()
    await run({ default: fakeApp() }, serve, 'src/app.ts')
    expect(serve.mock.calls[0]![1]).toEqual({ port: 0, host: '0.0.0.0', drainTimeout: 86_400_000 })
    vi.stubEnv('PORT', '')
    vi.stubEnv('HOST', '')
    vi.stubEnv('ROLL_DRAIN_TIMEOUT', '')
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    expect(serve.mock.calls[1]![1]).toEqual({ port: 3579, host: '127.0.0.1', drainTimeout: 10_000 })
    vi.stubEnv('PORT', '65535')
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    expect(serve.mock.calls[2]![1]).toMatchObject({ port: 65535 })
  })

  it.each([
    ['PORT', '65536', 'PORT must be an integer from 0 to 65535, got \'65536\'. Fix it in the environment.'],
    ['PORT', '-1', 'PORT must be an integer from 0 to 65535, got \'-1\'. Fix it in the environment.'],
    ['PORT', '80.5', 'PORT must be an integer from 0 to 65535, got \'80.5\'. Fix it in the environment.'],
    ['PORT', 'http', 'PORT must be an integer from 0 to 65535, got \'http\'. Fix it in the environment.'],
    ['ROLL_DRAIN_TIMEOUT', '86400001', 'ROLL_DRAIN_TIMEOUT must be an integer from 0 to 86400000, got \'86400001\'. Fix it in the environment.'],
  ])('refuses %s=%s and exits 1', async (name, value, message) => {
    vi.stubEnv(name, value)
    const { run } = await bootstrap()
    const { serve } = fakeServe()
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    expect(serve).not.toHaveBeenCalled()
    expect(errors).toHaveLength(1)
    expect(errors[0]![0]).toBe('[roll] the server could not start:')
    expect(errors[0]![1]).toBeInstanceOf(RangeError)
    expect((errors[0]![1] as Error).message).toBe(message)
    expect(exits).toEqual([1])
  })

  it('exits 1 when the module has no app, naming the entry', async () => {
    const { run } = await bootstrap()
    const { serve } = fakeServe()
    await run({ other: 1 }, serve, 'lib/server.ts')
    expect(errors[0]![0]).toBe('[roll] the server could not start:')
    expect((errors[0]![1] as Error).message).toContain('lib/server.ts must export a Roll app as `app`')
    expect(exits).toEqual([1])
  })

  it('exits 1 when serve fails', async () => {
    const { run } = await bootstrap()
    const problem = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })
    await run({ app: fakeApp() }, async () => { throw problem }, 'src/app.ts')
    expect(errors).toEqual([['[roll] the server could not start:', problem]])
    expect(exits).toEqual([1])
  })

  it('answers the health check on /healthz: 200 ok, then 503 stopping once draining, and leaves other paths alone', async () => {
    const { run } = await bootstrap()
    const app = fakeApp()
    await run({ app }, fakeServe().serve, 'src/app.ts')
    expect(app.listeners).toHaveLength(1)
    const [listener] = app.listeners
    const response = { status: 0, body: undefined as unknown }
    expect(listener!({ path: '/healthz/' }, response)).toBe(false)
    expect(listener!({ path: '/' }, response)).toBe(false)
    expect(response).toEqual({ status: 0, body: undefined })
    expect(listener!({ path: '/healthz' }, response)).toBe(true)
    expect(response).toEqual({ status: 200, body: 'ok' })
    added('SIGTERM')[0]!('SIGTERM')
    expect(listener!({ path: '/healthz' }, response)).toBe(true)
    expect(response).toEqual({ status: 503, body: 'stopping' })
  })

  it('answers the health check on ROLL_HEALTH_PATH, and not at all when it is empty', async () => {
    vi.stubEnv('ROLL_HEALTH_PATH', '/up')
    const { run } = await bootstrap()
    const app = fakeApp()
    await run({ app }, fakeServe().serve, 'src/app.ts')
    const response = { status: 0, body: undefined as unknown }
    expect(app.listeners[0]!({ path: '/healthz' }, response)).toBe(false)
    expect(app.listeners[0]!({ path: '/up' }, response)).toBe(true)
    vi.stubEnv('ROLL_HEALTH_PATH', '')
    const bare = fakeApp()
    await run({ app: bare }, fakeServe().serve, 'src/app.ts')
    expect(bare.listen).not.toHaveBeenCalled()
  })

  it('on SIGTERM says so, closes the server and exits 0 once it closed; a second signal changes nothing', async () => {
    const { run } = await bootstrap()
    const { serve, served, finishClose } = fakeServe()
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    added('SIGTERM')[0]!('SIGTERM')
    expect(logged.at(-1)).toBe('SIGTERM received, finishing in-flight requests…')
    expect(served.close).toHaveBeenCalledTimes(1)
    added('SIGINT')[0]!('SIGINT')
    expect(served.close).toHaveBeenCalledTimes(1)
    expect(logged).toHaveLength(3)
    await flush()
    expect(exits).toEqual([])
    finishClose()
    await flush()
    expect(exits).toEqual([0])
    expect(served.stopListening).not.toHaveBeenCalled()
  })

  it('names SIGINT', async () => {
    const { run } = await bootstrap()
    await run({ app: fakeApp() }, fakeServe().serve, 'src/app.ts')
    added('SIGINT')[0]!('SIGINT')
    expect(logged.at(-1)).toBe('SIGINT received, finishing in-flight requests…')
  })

  it('exits 1 when closing fails, saying why', async () => {
    const { run } = await bootstrap()
    const { serve, failClose } = fakeServe()
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    added('SIGTERM')[0]!('SIGTERM')
    const problem = new Error('shutdown listener threw')
    failClose(problem)
    await flush()
    expect(errors).toEqual([['[roll] shutdown failed:', problem]])
    expect(exits).toEqual([1])
  })

  it('bounds the drain: exits 1 five seconds after the drain timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    vi.stubEnv('ROLL_DRAIN_TIMEOUT', '1000')
    const { run } = await bootstrap()
    await run({ app: fakeApp() }, fakeServe().serve, 'src/app.ts')
    added('SIGTERM')[0]!('SIGTERM')
    vi.advanceTimersByTime(5_999)
    expect(exits).toEqual([])
    vi.advanceTimersByTime(1)
    expect(exits).toEqual([1])
  })

  it('on an uncaught exception says the app may be broken, drains and exits 1', async () => {
    vi.stubEnv('ROLL_DRAIN_TIMEOUT', '250')
    const { run } = await bootstrap()
    const { serve, served, finishClose } = fakeServe()
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    const problem = new Error('kaboom')
    added('uncaughtException')[0]!(problem, 'uncaughtException')
    expect(errors).toEqual([[
      '[roll] an exception was thrown and nothing caught it, so the app may be in a broken state. The server stops accepting, ' +
        'finishes the requests in flight (for up to 250 ms) and exits with code 1, for roll start or your supervisor to start a fresh one. ' +
        `Fix the error; its stack shows where:\n${inspect(problem)}`,
    ]])
    expect(served.close).toHaveBeenCalledTimes(1)
    finishClose()
    await flush()
    expect(exits).toEqual([1])
  })

  it('names an unhandled rejection as such, and one while stopping goes on stopping', async () => {
    const { run } = await bootstrap()
    const { serve, served, finishClose } = fakeServe()
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    added('uncaughtException')[0]!('a reason', 'unhandledRejection')
    expect(String(errors[0]![0])).toMatch(/^\[roll\] a promise was rejected and nothing handled the rejection, so the app may be in a broken state\./)
    const later = new Error('later')
    added('uncaughtException')[0]!(later, 'uncaughtException')
    expect(errors[1]).toEqual([`[roll] while the server was stopping, an exception was thrown and nothing caught it (it goes on stopping):\n${inspect(later)}`])
    expect(served.close).toHaveBeenCalledTimes(1)
    finishClose()
    await flush()
    expect(exits).toEqual([1])
  })

  it('on an error while a signal\'s drain is under way, still exits 1', async () => {
    const { run } = await bootstrap()
    const { serve, finishClose } = fakeServe()
    await run({ app: fakeApp() }, serve, 'src/app.ts')
    added('SIGTERM')[0]!('SIGTERM')
    added('uncaughtException')[0]!('late', 'unhandledRejection')
    expect(errors[0]).toEqual(["[roll] while the server was stopping, a promise was rejected and nothing handled the rejection (it goes on stopping):\n'late'"])
    finishClose()
    await flush()
    expect(exits).toEqual([1])
  })

  it('exits 1 at once on an uncaught exception before it serves', async () => {
    const { run } = await bootstrap()
    let listening!: () => void
    const served = { url: 'u', stopListening: vi.fn(), close: vi.fn(async () => {}) }
    const running = run({ app: fakeApp() }, () => new Promise((resolve) => (listening = () => resolve(served))), 'src/app.ts')
    await flush()
    added('uncaughtException')[0]!(new Error('early'), 'uncaughtException')
    expect(exits).toEqual([1])
    listening()
    await running
  })

  describe('as a roll start worker', () => {
    beforeEach(() => {
      isWorker = true
    })

    it('names traceback in its first worker only (the primary says where it serves)', async () => {
      const { run } = await bootstrap()
      workerId = 1
      await run({ app: fakeApp() }, fakeServe().serve, 'src/app.ts')
      expect(logged).toEqual([HINT])
      workerId = 3
      await run({ app: fakeApp() }, fakeServe().serve, 'src/app.ts')
      expect(logged).toEqual([HINT])
    })

    it('says nothing on start, and on a signal stops listening, tells the primary and waits for DRAIN', async () => {
      const send = vi.fn()
      const realSend = process.send
      process.send = send as never
      vi.useFakeTimers({ toFake: ['setTimeout'] })
      try {
        const { run } = await bootstrap()
        const { serve, served, finishClose } = fakeServe()
        await run({ app: fakeApp() }, serve, 'src/app.ts')
        expect(logged).toEqual([])
        added('SIGTERM')[0]!('SIGTERM')
        expect(logged).toEqual([])
        expect(served.stopListening).toHaveBeenCalledTimes(1)
        expect(send).toHaveBeenCalledWith(STOPPED_LISTENING)
        expect(served.close).not.toHaveBeenCalled()
        added('SIGTERM')[0]!('SIGTERM')
        expect(served.stopListening).toHaveBeenCalledTimes(1)
        const [onMessage] = added('message')
        onMessage!('something else')
        expect(served.close).not.toHaveBeenCalled()
        onMessage!(DRAIN)
        expect(served.close).toHaveBeenCalledTimes(1)
        finishClose()
        await vi.advanceTimersByTimeAsync(0)
        expect(exits).toEqual([0])
      } finally {
        process.send = realSend
      }
    })

    it('drains anyway a second after stopping listening when no DRAIN comes', async () => {
      const realSend = process.send
      process.send = vi.fn() as never
      vi.useFakeTimers({ toFake: ['setTimeout'] })
      try {
        const { run } = await bootstrap()
        const { serve, served } = fakeServe()
        await run({ app: fakeApp() }, serve, 'src/app.ts')
        added('SIGINT')[0]!('SIGINT')
        vi.advanceTimersByTime(999)
        expect(served.close).not.toHaveBeenCalled()
        vi.advanceTimersByTime(1)
        expect(served.close).toHaveBeenCalledTimes(1)
      } finally {
        process.send = realSend
      }
    })
  })
})

describe('sourceMapped', () => {
  const bundleUrl = new URL('../src/server/bootstrap.ts', import.meta.url).href
  const bundleFile = fileURLToPath(bundleUrl)

  function errorAt(...locations: string[]): Error {
    const error = new Error('mapped')
    error.stack = `Error: mapped\n${locations.map((location) => `    at handler (${location})`).join('\n')}`
    return error
  }

  it('returns the error as Node prints it when its stack is not in the bundle, without reading the map', async () => {
    const reads: string[] = []
    vi.doMock('node:fs', async (importOriginal) => ({
      ...(await importOriginal<object>()),
      readFileSync: (file: string) => (reads.push(file), JSON.stringify({ version: 3, sources: ['x.ts'], names: [], mappings: 'AAAA' })),
    }))
    const { sourceMapped } = await bootstrap()
    const error = new Error('elsewhere')
    expect(sourceMapped(error)).toBe(inspect(error))
    expect(sourceMapped('a string')).toBe("'a string'")
    expect(reads).toEqual([])
  })

  it('returns it as it is when the bundle has no readable map', async () => {
    vi.doMock('node:fs', async (importOriginal) => ({ ...(await importOriginal<object>()), readFileSync: () => 'not json' }))
    const { sourceMapped } = await bootstrap()
    const error = errorAt(`${bundleUrl}:2:5`)
    expect(sourceMapped(error)).toBe(inspect(error))
  })

  it('maps the bundle\'s frames to the source files through the bundle\'s map, and leaves unmapped ones', async () => {
    const reads: string[] = []
    const map = { version: 3, sources: ['../src/app.ts'], names: [], mappings: ';AACA,IAAI;;AAEA' }
    vi.doMock('node:fs', async (importOriginal) => ({
      ...(await importOriginal<object>()),
      readFileSync: (file: string) => (reads.push(file), JSON.stringify(map)),
    }))
    const { sourceMapped } = await bootstrap()
    const error = errorAt(`${bundleUrl}:2:5`, `${bundleUrl}:2:3`, `${bundleUrl}:4:1`, `${bundleUrl}:1:1`, 'file:///elsewhere.js:2:5', `${bundleUrl}x:2:5`)
    const source = path.resolve(path.dirname(bundleFile), '../src/app.ts')
    const text = sourceMapped(error)
    expect(reads).toEqual([`${bundleFile}.map`])
    expect(text).toBe(inspect(error)
      .replace(`${bundleUrl}:2:5`, `${source}:2:5`)
      .replace(`${bundleUrl}:2:3`, `${source}:2:1`)
      .replace(`${bundleUrl}:4:1`, `${source}:4:5`))
    expect(text).toContain(`${bundleUrl}:1:1`)
    expect(text).toContain('file:///elsewhere.js:2:5')
  })
})
