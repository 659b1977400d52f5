// roll start in the test process, node:cluster replaced by a fake the test drives: the
// bundle check, --workers, the workers it forks and replaces, and the drain on SIGTERM.
import { EventEmitter } from 'node:events'
import { writeFileSync, mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { DRAIN, STOPPED_LISTENING } from '../src/server/start-protocol.js'

// Everything here is in-process and driven by fakes, done in milliseconds: a test that
// waits seconds waits for what will not come (the code broken, as by a mutant).
vi.setConfig({ testTimeout: 5_000 })

class FakeWorker extends EventEmitter {
  connected = true
  readonly process: { pid: number; kill: ReturnType<typeof vi.fn> }
  readonly send = vi.fn()
  constructor(pid: number, readonly env: Record<string, string>) {
    super()
    this.process = { pid, kill: vi.fn() }
  }
  isConnected(): boolean {
    return this.connected
  }
}

class FakeCluster extends EventEmitter {
  workers: FakeWorker[] = []
  setupPrimary = vi.fn()
  fork = vi.fn((env: Record<string, string>) => {
    const worker = new FakeWorker(1000 + this.workers.length, env)
    this.workers.push(worker)
    return worker
  })
}

let cluster: FakeCluster
let out: string[]
let err: string[]
let now: number
const signalListeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') }

beforeEach(() => {
  cluster = new FakeCluster()
  vi.doMock('node:cluster', () => ({ default: cluster }))
  vi.resetModules()
  out = []
  err = []
  now = 1_000_000
  vi.spyOn(Date, 'now').mockImplementation(() => now)
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
  process.stdout.isTTY = false
  process.stderr.isTTY = false
})

afterEach(() => {
  // roll start leaves its signal listeners to the process's end: take them off here.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.off(signal, listener)
  }
  vi.restoreAllMocks()
  vi.doUnmock('node:cluster')
  vi.resetModules()
  process.exitCode = undefined
  removeTemps()
})

function appWithBundle(file = 'dist/server.mjs'): string {
  const root = tempDir('roll-start-')
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
  writeFileSync(path.join(root, file), '')
  return root
}

interface Args { workers?: string; port?: number; host?: string; bundle?: string }

// Runs the start handler in `root`; resolves when it does.
async function start(root: string, args: Args = {}): Promise<{ done: Promise<void>; settled: () => boolean }> {
  const { start: command } = await import('../src/commands/start.js')
  vi.spyOn(process, 'cwd').mockReturnValue(root)
  let settled = false
  const done = (command.handler as (args: object) => Promise<void>)({ workers: '1', bundle: 'dist/server.mjs', ...args })
  done.then(() => (settled = true), () => (settled = true))
  return { done, settled: () => settled }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

// The handler's own SIGTERM listener, called as the signal would.
function signal(name: 'SIGTERM' | 'SIGINT'): void {
  const added = process.listeners(name).filter((listener) => !signalListeners[name].includes(listener))
  expect(added).toHaveLength(1)
  ;(added[0] as (signal: NodeJS.Signals) => void)(name)
}

describe('roll start', () => {
  it('is the start command, described', async () => {
    const { start: command } = await import('../src/commands/start.js')
    expect(command.command).toBe('start')
    expect(command.describe).toBe('Serve the built app (dist/server.mjs) with N worker processes')
  })

  it('takes its options through yargs: one worker and dist/server.mjs by default', async () => {
    const { start: command } = await import('../src/commands/start.js')
    const { runCommandLine } = await import('../src/command-line.js')
    const errors: unknown[][] = []
    vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args))
    const root = tempDir('roll-start-')
    vi.spyOn(process, 'cwd').mockReturnValue(root)
    expect(await runCommandLine('roll', ['start'], (cli) => cli.command(command))).toBe(1)
    expect(errors).toEqual([[`roll: Cannot find ${path.join('dist', 'server.mjs')}. Build the app first: roll build (or pass --bundle <file>). Guide: https://roll-ts.github.io/roll/guide/advanced/deploy`]])
    appWithBundle()
    const withBundle = appWithBundle('out/x.mjs')
    vi.spyOn(process, 'cwd').mockReturnValue(withBundle)
    void runCommandLine('roll', ['start', '--bundle', 'out/x.mjs', '--port', '8080', '--host', 'localhost'], (cli) => cli.command(command))
    await vi.waitFor(() => expect(cluster.fork).toHaveBeenCalledTimes(1), { timeout: 2_000, interval: 5 })
    expect(cluster.workers[0]!.env).toStrictEqual({ PORT: '8080', HOST: 'localhost' })
    expect(cluster.setupPrimary.mock.calls[0]![0].exec).toBe(path.join(withBundle, 'out/x.mjs'))
  })

  it('takes --workers through yargs', async () => {
    const { start: command } = await import('../src/commands/start.js')
    const { runCommandLine } = await import('../src/command-line.js')
    vi.spyOn(process, 'cwd').mockReturnValue(appWithBundle())
    void runCommandLine('roll', ['start', '--workers', '3'], (cli) => cli.command(command))
    await vi.waitFor(() => expect(cluster.fork).toHaveBeenCalledTimes(3), { timeout: 2_000, interval: 5 })
  })

  it('refuses a missing bundle, naming it relative to the app', async () => {
    const root = tempDir('roll-start-')
    const { done } = await start(root, { bundle: 'out/app.mjs' })
    await expect(done).rejects.toMatchObject({ name: 'CliError', message: `Cannot find ${path.join('out', 'app.mjs')}.`, hint: 'Build the app first: roll build (or pass --bundle <file>).' })
    expect(cluster.fork).not.toHaveBeenCalled()
  })

  it.each(['0', '-1', '1.5', 'two', '', 'Infinity'])('refuses --workers %j', async (workers) => {
    const { done } = await start(appWithBundle(), { workers })
    await expect(done).rejects.toMatchObject({ name: 'CliError', message: `--workers must be a positive integer or auto, got '${workers}'.`, hint: 'Pass e.g. --workers 2 or --workers auto.' })
    expect(cluster.fork).not.toHaveBeenCalled()
  })

  it('forks one worker per CPU for --workers auto', async () => {
    await start(appWithBundle(), { workers: 'auto' })
    expect(cluster.fork).toHaveBeenCalledTimes(availableParallelism())
  })

  it('runs the bundle with source maps in N workers, PORT and HOST in their environment', async () => {
    const root = appWithBundle('out/app.mjs')
    await start(root, { workers: '3', port: 4000, host: '0.0.0.0', bundle: 'out/app.mjs' })
    expect(cluster.setupPrimary).toHaveBeenCalledWith({ exec: path.join(root, 'out/app.mjs'), execArgv: [...process.execArgv, '--enable-source-maps'] })
    expect(cluster.fork).toHaveBeenCalledTimes(3)
    expect(cluster.workers.map((worker) => worker.env)).toEqual([{ PORT: '4000', HOST: '0.0.0.0' }, { PORT: '4000', HOST: '0.0.0.0' }, { PORT: '4000', HOST: '0.0.0.0' }])
  })

  it('leaves PORT and HOST to the environment when not given', async () => {
    await start(appWithBundle())
    expect(cluster.workers[0]!.env).toStrictEqual({})
    expect(Object.keys(cluster.workers[0]!.env)).toEqual([])
  })

  it('says where it serves once every worker listens', async () => {
    await start(appWithBundle(), { workers: '2' })
    cluster.emit('listening', cluster.workers[0], { address: '127.0.0.1', port: 3579 })
    expect(out).toEqual([])
    cluster.emit('listening', cluster.workers[1], { address: '127.0.0.1', port: 3579 })
    expect(out).toEqual([`[roll] serving ${path.join('dist', 'server.mjs')} on http://127.0.0.1:3579 with 2 workers\n`])
    // A replacement worker that listens later says nothing.
    cluster.emit('listening', cluster.workers[1], { address: '127.0.0.1', port: 3579 })
    expect(out).toHaveLength(1)
  })

  it.each([
    [{ address: '::1', port: 80 }, 'http://[::1]:80 with 1 worker'],
    [{ address: null, port: 81 }, 'http://0.0.0.0:81 with 1 worker'],
    [{ address: undefined, port: 82 }, 'http://0.0.0.0:82 with 1 worker'],
    [{ address: '0.0.0.0', port: 83 }, 'http://0.0.0.0:83 with 1 worker'],
  ])('shows the address %j as %s', async (address, shown) => {
    await start(appWithBundle())
    cluster.emit('listening', cluster.workers[0], address)
    expect(out).toEqual([`[roll] serving ${path.join('dist', 'server.mjs')} on ${shown}\n`])
  })

  it('replaces a worker that exits, saying why', async () => {
    await start(appWithBundle(), { workers: '2' })
    now += 10_000
    cluster.emit('exit', cluster.workers[0], 1, null)
    expect(err).toEqual(['[roll] worker 1000 exited (code 1), starting a new one\n'])
    expect(cluster.fork).toHaveBeenCalledTimes(3)
    now += 10_000
    cluster.emit('exit', cluster.workers[2], null, 'SIGKILL')
    expect(err[1]).toBe('[roll] worker 1002 exited (SIGKILL), starting a new one\n')
    expect(cluster.fork).toHaveBeenCalledTimes(4)
  })

  it('gives up after five workers in a row exit within 2 s of starting, and fails', async () => {
    const { done, settled } = await start(appWithBundle())
    for (let exit = 1; exit <= 4; exit++) {
      now += 1_999
      cluster.emit('exit', cluster.workers.at(-1), 1, null)
    }
    expect(cluster.fork).toHaveBeenCalledTimes(5)
    expect(err).toHaveLength(4)
    now += 1_999
    const last = cluster.workers.at(-1)!
    cluster.emit('exit', last, 1, null)
    expect(err.at(-1)).toBe('[roll] workers keep exiting at start-up (code 1); giving up\n')
    expect(cluster.fork).toHaveBeenCalledTimes(5)
    // No worker left to drain: done at once, without a "received" line.
    await done
    expect(settled()).toBe(true)
    expect(out).toEqual([])
    expect(process.exitCode).toBe(1)
  })

  it('names the signal when workers keep dying of one', async () => {
    await start(appWithBundle())
    for (let exit = 1; exit <= 5; exit++) cluster.emit('exit', cluster.workers.at(-1), null, 'SIGSEGV')
    expect(err.at(-1)).toBe('[roll] workers keep exiting at start-up (SIGSEGV); giving up\n')
  })

  it('counts only early exits in a row: a worker that ran 2 s resets the count', async () => {
    const { settled } = await start(appWithBundle())
    for (let exit = 1; exit <= 4; exit++) cluster.emit('exit', cluster.workers.at(-1), 1, null)
    now += 2_000
    cluster.emit('exit', cluster.workers.at(-1), 1, null)
    for (let exit = 1; exit <= 4; exit++) cluster.emit('exit', cluster.workers.at(-1), 1, null)
    expect(cluster.fork).toHaveBeenCalledTimes(10)
    expect(err.every((line) => line.endsWith('starting a new one\n'))).toBe(true)
    await tick()
    expect(settled()).toBe(false)
  })

  it('does not count the exit of a worker it does not know as early', async () => {
    await start(appWithBundle())
    const stranger = new FakeWorker(7, {})
    for (let exit = 1; exit <= 5; exit++) cluster.emit('exit', stranger, 1, null)
    expect(err).toEqual(Array(5).fill('[roll] worker 7 exited (code 1), starting a new one\n'))
  })

  it('on SIGTERM sends every worker SIGTERM, drains them once none listens, and resolves when all exit', async () => {
    const { done, settled } = await start(appWithBundle(), { workers: '2' })
    const [first, second] = cluster.workers
    signal('SIGTERM')
    expect(out).toEqual(['[roll] SIGTERM received, draining 2 workers\n'])
    expect(first!.process.kill).toHaveBeenCalledWith('SIGTERM')
    expect(second!.process.kill).toHaveBeenCalledWith('SIGTERM')
    // A second signal changes nothing.
    signal('SIGINT')
    expect(out).toHaveLength(1)
    expect(first!.process.kill).toHaveBeenCalledTimes(1)
    cluster.emit('message', first, 'something else')
    cluster.emit('message', first, STOPPED_LISTENING)
    expect(first!.send).not.toHaveBeenCalled()
    cluster.emit('message', second, STOPPED_LISTENING)
    expect(first!.send).toHaveBeenCalledWith(DRAIN)
    expect(second!.send).toHaveBeenCalledWith(DRAIN)
    cluster.emit('exit', first, 0, null)
    await tick()
    expect(settled()).toBe(false)
    expect(cluster.fork).toHaveBeenCalledTimes(2)
    cluster.emit('exit', second, 0, null)
    await done
    expect(process.exitCode).toBeUndefined()
  })

  it('drains the workers left once the last listening one exits while stopping', async () => {
    const { done } = await start(appWithBundle(), { workers: '2' })
    const [first, second] = cluster.workers
    signal('SIGINT')
    expect(out).toEqual(['[roll] SIGINT received, draining 2 workers\n'])
    cluster.emit('message', first, STOPPED_LISTENING)
    expect(first!.send).not.toHaveBeenCalled()
    // The other exits without saying it stopped listening: the first is the only one left.
    cluster.emit('exit', second, 0, null)
    expect(first!.send).toHaveBeenCalledWith(DRAIN)
    cluster.emit('exit', first, 0, null)
    await done
  })

  it('does not send to a worker that is no longer connected', async () => {
    await start(appWithBundle())
    const [worker] = cluster.workers
    worker!.connected = false
    cluster.emit('message', worker, STOPPED_LISTENING)
    expect(worker!.send).not.toHaveBeenCalled()
  })

  it('fails when a worker exits with an error code while stopping', async () => {
    const { done } = await start(appWithBundle(), { workers: '1' })
    signal('SIGTERM')
    expect(out).toEqual(['[roll] SIGTERM received, draining 1 worker\n'])
    cluster.emit('exit', cluster.workers[0], 1, null)
    await done
    expect(process.exitCode).toBe(1)
  })

  it('drains a worker that stops listening on its own at once, the others going on', async () => {
    await start(appWithBundle(), { workers: '2' })
    const [first, second] = cluster.workers
    // The app's own messages are not roll's.
    cluster.emit('message', first, 'app message')
    cluster.emit('message', first, { type: STOPPED_LISTENING })
    expect(first!.send).not.toHaveBeenCalled()
    cluster.emit('message', first, STOPPED_LISTENING)
    expect(first!.send).toHaveBeenCalledWith(DRAIN)
    expect(second!.send).not.toHaveBeenCalled()
  })

  it('goes on when a worker\'s IPC channel fails, saying so', async () => {
    await start(appWithBundle())
    cluster.workers[0]!.emit('error', new Error('channel closed'))
    expect(err).toEqual(['[roll] lost contact with worker 1000 (channel closed); roll start goes on, and starts a new worker once that one exits\n'])
  })
})
