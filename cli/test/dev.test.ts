// roll dev's command in the test process, its session, bundle folder and `rs` listener
// replaced by fakes: --port and --inspect, the order of things, restarts from changes and
// rs, and how a signal or a fatal error stops it all.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Argv } from 'yargs'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import type { Trigger } from '../src/dev/restart-loop.js'

// Everything here is in-process and driven by fakes, done in milliseconds: a test that
// waits seconds waits for what will not come (the code broken, as by a mutant).
vi.setConfig({ testTimeout: 5_000 })

const calls: string[] = []

class FakeSession {
  static last: FakeSession
  onFatal: (problem: Error) => void = () => {}
  onChange?: (file: string) => void
  restarts: Trigger[] = []
  failNext?: unknown
  supervisor = { warmUp: vi.fn(() => void calls.push('warmUp')) }
  constructor(readonly root: string, readonly options: Record<string, unknown>, readonly folder: unknown) {
    FakeSession.last = this
    calls.push('session')
  }
  async createContext() {
    calls.push('createContext')
  }
  async watch(onChange: (file: string) => void) {
    calls.push('watch')
    this.onChange = onChange
  }
  async restart(trigger: Trigger) {
    calls.push('restart')
    this.restarts.push(trigger)
    if (this.failNext !== undefined) {
      const problem = this.failNext
      this.failNext = undefined
      throw problem
    }
  }
  async close() {
    calls.push('close')
  }
}

const folder = { path: '/f', writePreload: vi.fn(), writeBundle: vi.fn(), remove: vi.fn(() => void calls.push('remove')) }
const createBundleFolder = vi.fn(() => (calls.push('folder'), folder))
let onRs: (() => void) | undefined
const stopRs = vi.fn(() => void calls.push('stopRs'))
const listenForRs = vi.fn((callback: () => void) => ((onRs = callback), stopRs))

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const before = Object.fromEntries(signals.map((signal) => [signal, process.listeners(signal)]))
let errors: unknown[][]
let err: string[]
let exits: unknown[]

beforeEach(() => {
  calls.length = 0
  onRs = undefined
  vi.doMock('../src/dev/session.js', () => ({ DevSession: FakeSession }))
  vi.doMock('../src/dev/bundle-folder.js', () => ({ createBundleFolder }))
  vi.doMock('../src/dev/restart-loop.js', async (importOriginal) => ({ ...(await importOriginal<object>()), listenForRs }))
  vi.resetModules()
  errors = []
  err = []
  exits = []
  process.stderr.isTTY = false
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
  vi.spyOn(process, 'exit').mockImplementation((code) => void exits.push(code) as never)
})

afterEach(() => {
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before[signal]!.includes(listener)) process.off(signal, listener)
  }
  vi.restoreAllMocks()
  createBundleFolder.mockClear()
  listenForRs.mockClear()
  stopRs.mockClear()
  folder.remove.mockClear()
  vi.doUnmock('../src/dev/session.js')
  vi.doUnmock('../src/dev/bundle-folder.js')
  vi.doUnmock('../src/dev/restart-loop.js')
  vi.resetModules()
  removeTemps()
})

function app(): string {
  const root = tempDir('roll-dev-')
  mkdirSync(path.join(root, 'src'))
  writeFileSync(path.join(root, 'src/app.ts'), '')
  return root
}

const args = { port: 3579, host: '127.0.0.1', open: false }

async function runDev(root: string, extra: Record<string, unknown> = {}) {
  const { dev } = await import('../src/commands/dev.js')
  vi.spyOn(process, 'cwd').mockReturnValue(root)
  let settled = false
  const done = (dev.handler as (args: object) => Promise<void>)({ ...args, ...extra })
  done.then(() => (settled = true), () => (settled = true))
  return { done, settled: () => settled }
}

// The handler's own listener for `signal`, called as the signal would.
function signal(name: (typeof signals)[number]): void {
  const added = process.listeners(name).filter((listener) => !before[name]!.includes(listener))
  expect(added).toHaveLength(1)
  ;(added[0] as () => void)()
}

const running = () => vi.waitFor(() => expect(calls).toContain('restart'), { timeout: 2_000, interval: 5 })

describe('roll dev', () => {
  it('is the dev command, described', async () => {
    const { dev } = await import('../src/commands/dev.js')
    expect(dev.command).toBe('dev')
    expect(dev.describe).toBe('Serve the app, restarting it on each change without dropping a request')
  })

  it.each([-1, 65536, 1.5, Number.NaN])('refuses --port %s before doing anything', async (port) => {
    const { done } = await runDev(app(), { port })
    await expect(done).rejects.toMatchObject({ name: 'CliError', message: `--port must be an integer from 0 to 65535, got ${port}.`, hint: 'Pass e.g. --port 3579.' })
    expect(calls).toEqual([])
    for (const name of signals) expect(process.listeners(name)).toHaveLength(before[name]!.length)
  })

  it.each(['abc', 'host:', ':', '9229x', 'h:p', 'host9229'])('refuses --inspect %j', async (inspect) => {
    const { done } = await runDev(app(), { inspect })
    await expect(done).rejects.toMatchObject({ name: 'CliError', message: `--inspect takes [host:]port, got '${inspect}'.`, hint: 'Pass e.g. --inspect or --inspect=127.0.0.1:9229.' })
    expect(calls).toEqual([])
  })

  it.each([
    ['', { host: '127.0.0.1', port: 9229 }],
    ['9230', { host: '127.0.0.1', port: 9230 }],
    ['0.0.0.0:9231', { host: '0.0.0.0', port: 9231 }],
    ['::1:9232', { host: '::1', port: 9232 }],
    ['[::1]:9233', { host: '::1', port: 9233 }],
  ])('reads --inspect %j', async (inspect, expected) => {
    const root = app()
    await runDev(root, { inspect })
    await running()
    expect(FakeSession.last.options.inspect).toEqual(expected)
    signal('SIGINT')
  })

  it.each([0, 65535])('takes --port %s', async (port) => {
    await runDev(app(), { port })
    await running()
    expect(FakeSession.last.options).toMatchObject({ port, inspect: undefined })
    signal('SIGINT')
  })

  it('refuses a missing entry before making the bundle folder', async () => {
    const root = tempDir('roll-dev-')
    const { done } = await runDev(root)
    await expect(done).rejects.toMatchObject({ name: 'CliError', message: `Cannot find the app's entry module ${path.join('src', 'app.ts')} (the default entry).` })
    expect(createBundleFolder).not.toHaveBeenCalled()
  })

  it('makes the folder, the session and a standby, watches, then builds once; a signal stops it all in order', async () => {
    const root = app()
    const { done, settled } = await runDev(root, { host: '::1', entry: 'src/app.ts', open: true })
    await running()
    expect(calls).toEqual(['folder', 'session', 'warmUp', 'createContext', 'watch', 'restart'])
    expect(createBundleFolder).toHaveBeenCalledWith(root)
    const session = FakeSession.last
    expect(session.root).toBe(root)
    expect(session.folder).toBe(folder)
    expect(session.options).toEqual({ port: 3579, host: '::1', entry: 'src/app.ts', open: true, inspect: undefined })
    expect(session.restarts).toEqual([{ files: [], since: expect.any(Number) }])
    expect(settled()).toBe(false)
    signal('SIGTERM')
    await done
    expect(calls.slice(6)).toEqual(['stopRs', 'close', 'remove'])
    expect(exits).toEqual([])
  })

  it('restarts on each change and on rs, one at a time', async () => {
    const root = app()
    await runDev(root)
    await running()
    const session = FakeSession.last
    session.onChange!('/app/src/a.ts')
    session.onChange!('/app/src/b.ts')
    await vi.waitFor(() => expect(session.restarts).toHaveLength(2), { timeout: 2_000, interval: 5 })
    expect(session.restarts[1]!.files).toEqual(['/app/src/a.ts', '/app/src/b.ts'])
    onRs!()
    await vi.waitFor(() => expect(session.restarts).toHaveLength(3), { timeout: 2_000, interval: 5 })
    expect(session.restarts[2]!.files).toEqual([])
    signal('SIGHUP')
  })

  it('says so and goes on watching when a restart throws', async () => {
    const root = app()
    await runDev(root)
    await running()
    const session = FakeSession.last
    const problem = new Error('surprise')
    session.failNext = problem
    onRs!()
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 2_000, interval: 5 })
    expect(err).toEqual(['[roll] unexpected error, still watching:\n'])
    expect(errors).toEqual([[problem]])
    onRs!()
    await vi.waitFor(() => expect(session.restarts).toHaveLength(3), { timeout: 2_000, interval: 5 })
    signal('SIGINT')
  })

  it('stops on a fatal error of the session, removing the folder, and fails with it', async () => {
    const root = app()
    const { done } = await runDev(root)
    await running()
    const problem = new Error('Cannot listen')
    FakeSession.last.onFatal(problem)
    await expect(done).rejects.toBe(problem)
    expect(calls.slice(-3)).toEqual(['stopRs', 'close', 'remove'])
  })

  it('exits at once with 130 on a second signal while stopping', async () => {
    const root = app()
    const { done } = await runDev(root)
    await running()
    signal('SIGINT')
    expect(exits).toEqual([])
    signal('SIGTERM')
    expect(exits).toEqual([130])
    await done
  })

  it('removes the folder when the session cannot be made', async () => {
    const root = app()
    const { DevSession } = await import('../src/dev/session.js')
    vi.spyOn(DevSession.prototype, 'createContext').mockRejectedValueOnce(new Error('esbuild is missing'))
    const { done } = await runDev(root)
    await expect(done).rejects.toThrow('esbuild is missing')
    expect(folder.remove).toHaveBeenCalledTimes(1)
    expect(listenForRs).not.toHaveBeenCalled()
  })

  it('takes its options through yargs with their defaults', async () => {
    const root = app()
    const { dev } = await import('../src/commands/dev.js')
    const { runCommandLine } = await import('../src/command-line.js')
    vi.spyOn(process, 'cwd').mockReturnValue(root)
    const exitCode = runCommandLine('roll', ['dev', '--inspect'], (cli: Argv) => cli.command(dev))
    await running()
    expect(FakeSession.last.options).toMatchObject({ port: 3579, host: '127.0.0.1', open: false, inspect: { host: '127.0.0.1', port: 9229 } })
    signal('SIGINT')
    expect(await exitCode).toBe(0)
  })
})
