// roll dev's supervisor with node:cluster replaced by a fake the test drives: the standby
// worker, what each restart asks of the workers and how their replies decide it, the
// drain of the replaced worker, crashes, connections handed over, and stop.
import { EventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SupervisorOptions } from '../src/dev/supervisor.js'

// Everything here is in-process and driven by fakes, done in milliseconds: a test that
// waits seconds waits for what will not come (the code broken, as by a mutant).
vi.setConfig({ testTimeout: 5_000 })

class FakeWorker extends EventEmitter {
  dead = false
  readonly sent: unknown[] = []
  readonly handles: unknown[] = []
  readonly process: { pid: number; kill: ReturnType<typeof vi.fn> }
  constructor(readonly id: number, readonly env: Record<string, string>, private readonly cluster: FakeCluster) {
    super()
    this.process = { pid: 2000 + id, kill: vi.fn() }
  }
  send = vi.fn((message: unknown, handle?: unknown, _options?: unknown, callback?: () => void) => {
    this.sent.push(message)
    if (handle !== undefined) this.handles.push({ handle, callback })
    return true
  })
  isDead(): boolean {
    return this.dead
  }
  isConnected(): boolean {
    return !this.dead
  }
  reply(message: unknown, handle?: unknown): void {
    this.emit('message', message, handle)
  }
  exit(code: number | null = 0, signal: string | null = null): void {
    this.dead = true
    delete this.cluster.workers[this.id]
    this.emit('exit', code, signal)
  }
}

class FakeCluster {
  SCHED_NONE = 1
  schedulingPolicy = 2
  workers: Record<number, FakeWorker> = {}
  all: FakeWorker[] = []
  setupPrimary = vi.fn()
  fork = vi.fn((env: Record<string, string>) => {
    const worker = new FakeWorker(this.all.length + 1, env, this)
    this.workers[worker.id] = worker
    this.all.push(worker)
    return worker
  })
}

let cluster: FakeCluster

beforeEach(() => {
  cluster = new FakeCluster()
  vi.doMock('node:cluster', () => ({ default: cluster }))
  vi.resetModules()
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.doUnmock('node:cluster')
  vi.resetModules()
})

async function supervisor(options: Partial<SupervisorOptions> = {}) {
  const { Supervisor } = await import('../src/dev/supervisor.js')
  return new Supervisor({ port: 3579, host: '127.0.0.1', env: () => ({}), ...options })
}

// Waits (bounded) until `worker` was sent a message of `type`; returns it.
async function sentTo(worker: FakeWorker, type: string): Promise<Record<string, unknown>> {
  await vi.waitFor(() => expect(worker.sent.some((message) => (message as { type: string }).type === type)).toBe(true), { timeout: 2_000, interval: 1 })
  return worker.sent.find((message) => (message as { type: string }).type === type) as Record<string, unknown>
}

// One restart that the workers get through: the standby boots, listens on `port`.
async function serve(subject: Awaited<ReturnType<typeof supervisor>>, port = 3579, bundle = '/b1.mjs') {
  const restarted = subject.restart(bundle, 'src/app.ts')
  const worker = cluster.all.at(-1)!
  worker.reply({ type: 'ready' })
  await sentTo(worker, 'go')
  worker.reply({ type: 'listening', url: `http://127.0.0.1:${port}`, port })
  return { result: await restarted, worker }
}

describe('Supervisor', () => {
  it('runs the dev worker in shared-handle mode, without the --inspect flags of roll dev, set up once at the first fork', async () => {
    const execArgv = process.execArgv
    Object.defineProperty(process, 'execArgv', { value: ['--inspect=9229', '--conditions=dev', '--inspect-brk', '--enable-source-maps'], configurable: true, writable: true })
    try {
      const subject = await supervisor()
      expect(cluster.setupPrimary).not.toHaveBeenCalled()
      subject.warmUp()
      subject.discardStandby()
      subject.warmUp()
    } finally {
      Object.defineProperty(process, 'execArgv', { value: execArgv, configurable: true, writable: true })
    }
    expect(cluster.schedulingPolicy).toBe(cluster.SCHED_NONE)
    expect(cluster.setupPrimary.mock.calls).toEqual([[{
      exec: fileURLToPath(new URL('../src/dev-worker/worker.js', import.meta.url)),
      execArgv: ['--conditions=dev', '--enable-source-maps'],
    }]])
    expect(cluster.fork).toHaveBeenCalledTimes(2)
  })

  it('warms up one standby with the env, and sends it nothing until it is ready and a bundle is to be served', async () => {
    const subject = await supervisor({ env: () => ({ SECRET: 's' }) })
    subject.warmUp()
    subject.warmUp()
    expect(cluster.fork).toHaveBeenCalledTimes(1)
    const standby = cluster.all[0]!
    expect(standby.env).toEqual({ SECRET: 's' })
    standby.reply({ type: 'ready' })
    expect(standby.sent).toEqual([])
  })

  it('adopts the worker bin/roll.js forked early as its first standby', async () => {
    const { forkEarly } = await import('../src/dev/standby.js')
    forkEarly()
    expect(cluster.fork).toHaveBeenCalledTimes(1)
    const early = cluster.all[0]!
    const subject = await supervisor()
    subject.warmUp()
    expect(cluster.fork).toHaveBeenCalledTimes(1)
    expect(early.sent).toEqual([])
    const { result } = await serve(subject)
    expect(result).toEqual({ ok: true, url: 'http://127.0.0.1:3579', port: 3579 })
    expect(cluster.all[0]).toBe(early)
  })

  it('serves the first bundle in the standby on the given port, then boots the next standby', async () => {
    const subject = await supervisor({ port: 0, host: '::1' })
    subject.warmUp()
    const standby = cluster.all[0]!
    const restarted = subject.restart('/b1.mjs', 'src/app.ts')
    await new Promise((resolve) => setImmediate(resolve))
    // Nothing is sent before the worker is ready, whatever else it says.
    standby.reply({ type: 'inspector-closed' })
    await new Promise((resolve) => setImmediate(resolve))
    expect(standby.sent).toEqual([])
    standby.reply({ type: 'ready' })
    expect(await sentTo(standby, 'go')).toEqual({ type: 'go', bundle: '/b1.mjs', entry: 'src/app.ts', port: 0, host: '::1', inspect: undefined })
    // Other replies are not the answer.
    standby.reply({ type: 'ready' })
    standby.reply({ type: 'inspector-closed' })
    standby.reply({ type: 'listening', url: 'http://[::1]:41234', port: 41234 })
    expect(await restarted).toEqual({ ok: true, url: 'http://[::1]:41234', port: 41234 })
    expect(cluster.fork).toHaveBeenCalledTimes(2)
    expect(standby.sent).toHaveLength(1)
    // The request's listeners are gone with its answer: what is left is the worker's own (ready, connections; ready, crash).
    expect(standby.listenerCount('message')).toBe(2)
    expect(standby.listenerCount('exit')).toBe(2)
  })

  it('replaces the serving worker: the next one listens on the port the first was given, then the first drains', async () => {
    const subject = await supervisor({ port: 0 })
    const { worker: first } = await serve(subject, 41234)
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    // The shared socket is keyed by the port asked for: 0 stays 0.
    expect((await sentTo(second, 'go')).port).toBe(0)
    expect(first.sent).toEqual([{ type: 'go', bundle: '/b1.mjs', entry: 'src/app.ts', port: 0, host: '127.0.0.1', inspect: undefined }])
    second.reply({ type: 'listening', url: 'http://127.0.0.1:41234', port: 41234 })
    expect(await restarted).toEqual({ ok: true, url: 'http://127.0.0.1:41234', port: 41234 })
    expect(first.sent.at(-1)).toEqual({ type: 'drain', timeout: 5_000, closeCode: 1012 })
    expect(cluster.fork).toHaveBeenCalledTimes(3)
  })

  it('tells a draining worker to close its websockets once it says it stopped listening', async () => {
    const subject = await supervisor()
    const { worker: first } = await serve(subject)
    await serve(subject)
    expect(first.sent.at(-1)).toEqual({ type: 'drain', timeout: 5_000, closeCode: 1012 })
    first.reply({ type: 'stopped-listening' })
    expect(first.sent.at(-1)).toEqual({ type: 'close-websockets' })
    first.exit(0)
    first.reply({ type: 'stopped-listening' })
    expect(first.sent.filter((message) => (message as { type: string }).type === 'close-websockets')).toHaveLength(1)
  })

  it('binds the port the last worker got once none listens any more', async () => {
    const subject = await supervisor({ port: 0 })
    const { worker: first } = await serve(subject, 41234)
    first.exit(1)
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    expect((await sentTo(second, 'go')).port).toBe(41234)
    second.reply({ type: 'listening', url: 'http://127.0.0.1:41234', port: 41234 })
    await restarted
  })

  it('drains with the drain timeout it was given, and kills a worker still there a second after it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const subject = await supervisor({ drainTimeout: 300 })
    const { worker: first } = await serve(subject)
    await serve(subject)
    expect(first.sent.at(-1)).toEqual({ type: 'drain', timeout: 300, closeCode: 1012 })
    vi.advanceTimersByTime(1_299)
    expect(first.process.kill).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(first.process.kill).toHaveBeenCalledWith('SIGKILL')
  })

  it('does not kill a drained worker that exited in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const subject = await supervisor({ drainTimeout: 300 })
    const { worker: first } = await serve(subject)
    await serve(subject)
    first.exit(0)
    vi.advanceTimersByTime(10_000)
    expect(first.process.kill).not.toHaveBeenCalled()
  })

  it('does not send drain to a worker that is already dead', async () => {
    const subject = await supervisor()
    const { worker: first } = await serve(subject)
    first.dead = true
    await serve(subject)
    expect(first.sent.map((message) => (message as { type: string }).type)).toEqual(['go'])
  })

  it('reports a worker that exits before it is ready, and boots a fresh one next time', async () => {
    const subject = await supervisor()
    subject.warmUp()
    const standby = cluster.all[0]!
    const restarted = subject.restart('/b1.mjs', 'src/app.ts')
    standby.exit(1)
    expect(await restarted).toEqual({ ok: false, message: 'the dev worker exited while starting', reported: false })
    // The failed start leaves no standby behind it: the next restart forks one.
    expect(cluster.fork).toHaveBeenCalledTimes(1)
    const next = subject.restart('/b1.mjs', 'src/app.ts')
    expect(cluster.fork).toHaveBeenCalledTimes(2)
    cluster.all[1]!.reply({ type: 'ready' })
    await sentTo(cluster.all[1]!, 'go')
    cluster.all[1]!.reply({ type: 'listening', url: 'u', port: 1 })
    expect((await next).ok).toBe(true)
  })

  it('reports a worker that exits after go, and keeps the previous one serving', async () => {
    const subject = await supervisor()
    const { worker: first } = await serve(subject)
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    await sentTo(second, 'go')
    second.exit(1)
    expect(await restarted).toEqual({ ok: false, message: 'the dev worker exited before serving', reported: false })
    expect(first.sent.map((message) => (message as { type: string }).type)).toEqual(['go'])
    // A new standby for the next try; the first still serves, its connections go to it.
    expect(cluster.fork).toHaveBeenCalledTimes(3)
    const handle = { close: vi.fn() }
    cluster.all.at(-1)!.reply({ type: 'connection' }, handle)
    expect(first.handles).toHaveLength(1)
  })

  it('reports a failed start: reported by the worker without a code, not reported with one', async () => {
    const subject = await supervisor()
    subject.warmUp()
    let worker = cluster.all.at(-1)!
    let restarted = subject.restart('/b1.mjs', 'src/app.ts')
    worker.reply({ type: 'ready' })
    await sentTo(worker, 'go')
    worker.reply({ type: 'failed', message: 'SyntaxError in the app' })
    expect(await restarted).toEqual({ ok: false, code: undefined, message: 'SyntaxError in the app', reported: true })
    worker = cluster.all.at(-1)!
    restarted = subject.restart('/b1.mjs', 'src/app.ts')
    worker.reply({ type: 'ready' })
    await sentTo(worker, 'go')
    worker.reply({ type: 'failed', code: 'EADDRINUSE', message: 'listen EADDRINUSE: address already in use 127.0.0.1:3579' })
    expect(await restarted).toEqual({ ok: false, code: 'EADDRINUSE', message: 'listen EADDRINUSE: address already in use 127.0.0.1:3579', reported: false })
  })

  it('boots a new standby when the env changed since the standby booted, and kills the stale one', async () => {
    let env = { A: '1' }
    const subject = await supervisor({ env: () => env })
    subject.warmUp()
    const stale = cluster.all[0]!
    env = { A: '2' }
    const restarted = subject.restart('/b1.mjs', 'src/app.ts')
    expect(stale.process.kill).toHaveBeenCalledWith('SIGKILL')
    const fresh = cluster.all[1]!
    expect(fresh.env).toEqual({ A: '2' })
    fresh.reply({ type: 'ready' })
    await sentTo(fresh, 'go')
    fresh.reply({ type: 'listening', url: 'u', port: 1 })
    await restarted
    expect(stale.sent).toEqual([])
  })

  it('keeps the standby when the env is the same', async () => {
    const subject = await supervisor({ env: () => ({ A: '1' }) })
    subject.warmUp()
    const { worker } = await serve(subject)
    expect(worker).toBe(cluster.all[0])
    expect(worker.process.kill).not.toHaveBeenCalled()
  })

  it('discards the standby on request, killing it', async () => {
    const subject = await supervisor()
    subject.discardStandby()
    subject.warmUp()
    subject.discardStandby()
    expect(cluster.all[0]!.process.kill).toHaveBeenCalledWith('SIGKILL')
    subject.warmUp()
    expect(cluster.fork).toHaveBeenCalledTimes(2)
  })

  it('forgets a standby that exits, and boots another for the next restart', async () => {
    const subject = await supervisor()
    subject.warmUp()
    cluster.all[0]!.exit(1)
    subject.warmUp()
    expect(cluster.fork).toHaveBeenCalledTimes(2)
  })

  it('moves the inspector: the old worker closes it before the new one opens it', async () => {
    const inspect = { host: '127.0.0.1', port: 9229 }
    const subject = await supervisor({ inspect })
    const { worker: first } = await serve(subject)
    expect(first.sent[0]).toEqual({ type: 'go', bundle: '/b1.mjs', entry: 'src/app.ts', port: 3579, host: '127.0.0.1', inspect })
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    await sentTo(first, 'inspector-close')
    await new Promise((resolve) => setImmediate(resolve))
    expect(second.sent).toEqual([])
    first.reply({ type: 'inspector-closed' })
    expect((await sentTo(second, 'go')).inspect).toEqual(inspect)
    second.reply({ type: 'failed', code: 'ERR', message: 'no' })
    await restarted
    // The new one failed: the old one takes the inspector back.
    expect(first.sent.at(-1)).toEqual({ type: 'inspector-open', host: '127.0.0.1', port: 9229 })
  })

  it('reports a first start that failed with --inspect, with no worker to give the inspector back to', async () => {
    const subject = await supervisor({ inspect: { host: '127.0.0.1', port: 9229 } })
    subject.warmUp()
    const worker = cluster.all[0]!
    const restarted = subject.restart('/b1.mjs', 'src/app.ts')
    worker.reply({ type: 'ready' })
    await sentTo(worker, 'go')
    worker.reply({ type: 'failed', code: 'ERR', message: 'no' })
    expect(await restarted).toEqual({ ok: false, code: 'ERR', message: 'no', reported: false })
  })

  it('does not give the inspector back to a worker that died', async () => {
    const subject = await supervisor({ inspect: { host: '127.0.0.1', port: 9229 } })
    const { worker: first } = await serve(subject)
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    await sentTo(first, 'inspector-close')
    first.reply({ type: 'inspector-closed' })
    await sentTo(second, 'go')
    first.dead = true
    second.reply({ type: 'failed', code: 'ERR', message: 'no' })
    await restarted
    expect(first.sent.map((message) => (message as { type: string }).type)).toEqual(['go', 'inspector-close'])
  })

  it('goes on when the old worker exits instead of closing the inspector', async () => {
    const subject = await supervisor({ inspect: { host: '127.0.0.1', port: 9229 } })
    const { worker: first } = await serve(subject)
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    await sentTo(first, 'inspector-close')
    first.exit(1)
    await sentTo(second, 'go')
    second.reply({ type: 'listening', url: 'u', port: 3579 })
    expect((await restarted).ok).toBe(true)
  })

  it('does not touch the inspector without --inspect', async () => {
    const subject = await supervisor()
    const { worker: first } = await serve(subject)
    const second = cluster.all.at(-1)!
    const restarted = subject.restart('/b2.mjs', 'src/app.ts')
    second.reply({ type: 'ready' })
    await sentTo(second, 'go')
    second.reply({ type: 'failed', code: 'ERR', message: 'no' })
    await restarted
    expect(first.sent.map((message) => (message as { type: string }).type)).toEqual(['go'])
  })

  it('calls onCrash when the serving worker exits on its own, not for other workers', async () => {
    const subject = await supervisor()
    const crashes: unknown[] = []
    subject.onCrash = (code, signal) => crashes.push([code, signal])
    const { worker } = await serve(subject)
    cluster.all.at(-1)!.exit(1)
    expect(crashes).toEqual([])
    worker.exit(null, 'SIGSEGV')
    expect(crashes).toEqual([[null, 'SIGSEGV']])
    worker.emit('exit', 1, null)
    expect(crashes).toHaveLength(1)
  })

  it('does not call onCrash for a worker replaced and drained', async () => {
    const subject = await supervisor()
    const crashes: unknown[] = []
    subject.onCrash = (code) => crashes.push(code)
    const { worker: first } = await serve(subject)
    await serve(subject)
    first.exit(0)
    expect(crashes).toEqual([])
  })

  it('hands a draining worker\'s idle connection to the serving worker, closing it once sent', async () => {
    const subject = await supervisor()
    const { worker: first } = await serve(subject)
    const { worker: second } = await serve(subject)
    const handle = { close: vi.fn() }
    first.reply({ type: 'connection' }, handle)
    expect(second.send).toHaveBeenLastCalledWith({ type: 'connection' }, handle, {}, expect.any(Function))
    expect(handle.close).not.toHaveBeenCalled()
    ;(second.handles[0] as { callback: () => void }).callback()
    expect(handle.close).toHaveBeenCalledTimes(1)
    const sends = second.send.mock.calls.length
    // A 'connection' message without a handle is nothing to pass, nor is a handle with another message.
    first.reply({ type: 'connection' })
    first.reply({ type: 'app-message' }, { close: vi.fn() })
    expect(second.send.mock.calls.length).toBe(sends)
  })

  it('closes a handed-over connection when no worker serves, or the serving one is dead', async () => {
    const subject = await supervisor()
    subject.warmUp()
    const lonely = { close: vi.fn() }
    cluster.all[0]!.reply({ type: 'connection' }, lonely)
    expect(lonely.close).toHaveBeenCalledTimes(1)
    const { worker } = await serve(subject)
    worker.dead = true
    const handle = { close: vi.fn() }
    cluster.all.at(-1)!.reply({ type: 'connection' }, handle)
    expect(handle.close).toHaveBeenCalledTimes(1)
    expect(worker.handles).toEqual([])
  })

  it('stops: the serving worker drains within the timeout, every other is killed, resolves once all exited', async () => {
    const subject = await supervisor()
    const crashes: unknown[] = []
    subject.onCrash = (code) => crashes.push(code)
    const { worker: serving } = await serve(subject)
    const standby = cluster.all.at(-1)!
    let stopped = false
    const stopping = subject.stop(700).then(() => (stopped = true))
    expect(serving.sent.at(-1)).toEqual({ type: 'drain', timeout: 700, closeCode: 1001 })
    expect(serving.process.kill).not.toHaveBeenCalled()
    expect(standby.process.kill).toHaveBeenCalledWith('SIGKILL')
    standby.exit(null, 'SIGKILL')
    await new Promise((resolve) => setImmediate(resolve))
    expect(stopped).toBe(false)
    serving.exit(0)
    await stopping
    expect(stopped).toBe(true)
    expect(crashes).toEqual([])
  })

  it('stops with a 2 s drain by default, and skips workers already dead', async () => {
    const subject = await supervisor()
    const { worker: serving } = await serve(subject)
    const standby = cluster.all.at(-1)!
    standby.dead = true
    const stopping = subject.stop()
    expect(serving.sent.at(-1)).toEqual({ type: 'drain', timeout: 2_000, closeCode: 1001 })
    expect(standby.process.kill).toHaveBeenCalledTimes(1)
    serving.exit(0)
    await stopping
  })

  it('kills a worker that is neither serving nor standby on stop (one still draining)', async () => {
    const subject = await supervisor()
    const { worker: first } = await serve(subject)
    await serve(subject)
    const stopping = subject.stop()
    expect(first.process.kill).toHaveBeenCalledWith('SIGKILL')
    for (const worker of Object.values(cluster.workers)) worker.exit(0)
    await stopping
  })

  it('boots no new standby once stopping, and a worker that then exits is no crash', async () => {
    const subject = await supervisor()
    const crashes: unknown[] = []
    subject.onCrash = (code) => crashes.push(code)
    subject.warmUp()
    const worker = cluster.all[0]!
    const restarted = subject.restart('/b1.mjs', 'src/app.ts')
    worker.reply({ type: 'ready' })
    await sentTo(worker, 'go')
    const stopping = subject.stop()
    worker.reply({ type: 'listening', url: 'u', port: 1 })
    await restarted
    expect(cluster.fork).toHaveBeenCalledTimes(1)
    worker.exit(0)
    await stopping
    expect(crashes).toEqual([])
  })

  it('survives an IPC error of a worker', async () => {
    const subject = await supervisor()
    subject.warmUp()
    expect(() => cluster.all[0]!.emit('error', new Error('EPIPE'))).not.toThrow()
  })
})
