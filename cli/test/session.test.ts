// One roll dev session in the test process: esbuild's context on a small app in a temp
// folder, the supervisor and the file watcher replaced by fakes the test drives. What each
// restart builds, writes, hands over and prints, word for word.
import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { preloadPath, type BundleFolder } from '../src/dev/bundle-folder.js'
import type { DevOptions } from '../src/dev/session.js'
import type { RestartResult, SupervisorOptions } from '../src/dev/supervisor.js'

class FakeSupervisor {
  static last: FakeSupervisor
  onCrash: (code: number | null, signal: string | null) => void = () => {}
  results: RestartResult[] = []
  restart = vi.fn(async (_bundle: string, _entry: string): Promise<RestartResult> => this.results.shift() ?? { ok: true, url: 'http://127.0.0.1:3579', port: 3579 })
  discardStandby = vi.fn()
  warmUp = vi.fn()
  stop = vi.fn(async () => {})
  constructor(readonly options: SupervisorOptions) {
    FakeSupervisor.last = this
  }
}

class FakeWatcher extends EventEmitter {
  add = vi.fn()
  close = vi.fn(async () => {})
}

let watchFiles: ReturnType<typeof vi.fn>
let watcher: FakeWatcher
let spawn: ReturnType<typeof vi.fn>
let out: string[]
let err: string[]
const sessions: { close(): Promise<void> }[] = []
const folders: BundleFolder[] = []

beforeEach(() => {
  watcher = new FakeWatcher()
  watchFiles = vi.fn(() => {
    setImmediate(() => watcher.emit('ready'))
    return watcher
  })
  spawn = vi.fn(() => Object.assign(new EventEmitter(), { unref: vi.fn() }))
  vi.doMock('../src/dev/supervisor.js', () => ({ Supervisor: FakeSupervisor }))
  vi.doMock('../src/dev/restart-loop.js', () => ({ watchFiles }))
  vi.doMock('node:child_process', () => ({ spawn }))
  vi.resetModules()
  out = []
  err = []
  process.stdout.isTTY = false
  process.stderr.isTTY = false
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
})

afterEach(async () => {
  try {
    for (const session of sessions.splice(0)) await session.close().catch(() => {})
    for (const folder of folders.splice(0)) folder.remove()
  } finally {
    // Whatever failed above, the temp folders go.
    removeTemps()
    vi.restoreAllMocks()
    vi.doUnmock('../src/dev/supervisor.js')
    vi.doUnmock('../src/dev/restart-loop.js')
    vi.doUnmock('node:child_process')
    vi.resetModules()
  }
})

function app(files: Record<string, string> = {}): string {
  const root = tempDir('roll-session-')
  const all = {
    'package.json': '{"name":"dev-app","type":"module"}',
    'src/app.ts': "import { greeting } from './greeting.js'\nexport const app = { route: () => greeting, dispatch: () => undefined }\n",
    'src/greeting.ts': "export const greeting = 'hello'\n",
    ...files,
  }
  for (const [file, content] of Object.entries(all)) write(root, file, content)
  return root
}

function write(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
  writeFileSync(path.join(root, file), content)
}

async function session(root: string, options: Partial<DevOptions> = {}) {
  const { DevSession } = await import('../src/dev/session.js')
  const { createBundleFolder } = await import('../src/dev/bundle-folder.js')
  const folder = createBundleFolder(root)
  folders.push(folder)
  const subject = new DevSession(root, { port: 3579, host: '127.0.0.1', open: false, ...options }, folder)
  sessions.push(subject)
  await subject.createContext()
  return { subject, folder, supervisor: FakeSupervisor.last }
}

const trigger = (root: string, ...files: string[]) => ({ files: files.map((file) => path.join(root, file)), since: performance.now() })

describe('DevSession', () => {
  it('refuses a missing entry when made', async () => {
    const { DevSession } = await import('../src/dev/session.js')
    const root = tempDir('roll-session-')
    const folder = { path: root, writePreload: vi.fn(), writeBundle: vi.fn(), remove: vi.fn() }
    expect(() => new DevSession(root, { port: 1, host: 'h', open: false }, folder)).toThrow(`Cannot find the app's entry module ${path.join('src', 'app.ts')} (the default entry).`)
  })

  it('runs the supervisor with the options and the app\'s .env read at each start', async () => {
    const root = app({ '.env': 'FROM_FILE=1\n' })
    const inspect = { host: '127.0.0.1', port: 9229 }
    const { supervisor } = await session(root, { port: 4000, host: '::1', inspect })
    expect(supervisor.options).toEqual({ port: 4000, host: '::1', inspect, env: expect.any(Function) })
    expect(supervisor.options.env()).toEqual({ FROM_FILE: '1' })
    write(root, '.env', 'FROM_FILE=2\n')
    expect(supervisor.options.env()).toEqual({ FROM_FILE: '2' })
  })

  it('builds and serves the first version, then says where, once', async () => {
    const root = app()
    const { subject, supervisor, folder } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    const bundle = path.join(folder.path, 'app-1.mjs')
    expect(supervisor.restart).toHaveBeenCalledWith(bundle, path.join('src', 'app.ts'))
    expect(readFileSync(bundle, 'utf8')).toContain('"hello"')
    expect(out).toEqual([`[roll] dev server on http://127.0.0.1:3579 (${path.join('src', 'app.ts')}); type rs + Enter to restart\n`])
    expect(err).toEqual([])
    expect(spawn).not.toHaveBeenCalled()
  })

  it('says what each later restart was for: the changed files, or rs', async () => {
    const root = app()
    const { subject, supervisor } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    write(root, 'src/greeting.ts', "export const greeting = 'hi'\n")
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(out[1]).toMatch(new RegExp(`^\\[roll\\] \\d\\d:\\d\\d:\\d\\d change in ${escape(path.join('src', 'greeting.ts'))}, restarted in \\d+ ms\\n$`))
    await subject.restart({ files: [], since: performance.now() })
    expect(out[2]).toMatch(/^\[roll\] \d\d:\d\d:\d\d rs, restarted in \d+ ms\n$/)
    expect(supervisor.restart).toHaveBeenCalledTimes(3)
  })

  it('names up to three files, then two and how many more', async () => {
    const root = app()
    const { subject } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    write(root, 'src/greeting.ts', "export const greeting = 'a'\n")
    await subject.restart(trigger(root, 'src/a.ts', 'src/b.ts', 'src/greeting.ts'))
    expect(out[1]).toContain(`change in ${path.join('src', 'a.ts')}, ${path.join('src', 'b.ts')}, ${path.join('src', 'greeting.ts')}, restarted`)
    write(root, 'src/greeting.ts', "export const greeting = 'b'\n")
    await subject.restart(trigger(root, 'src/a.ts', 'src/b.ts', 'src/c.ts', 'src/greeting.ts'))
    expect(out[2]).toContain(`change in ${path.join('src', 'a.ts')}, ${path.join('src', 'b.ts')} and 2 more files, restarted`)
  })

  it('times a restart from the first change', async () => {
    const root = app()
    const { subject } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    // The clock stands still for the restart: it ends 1234.4 ms after the first change.
    const now = vi.spyOn(performance, 'now').mockReturnValue(61_234.4)
    try {
      await subject.restart({ files: [], since: 60_000 })
    } finally {
      now.mockRestore()
    }
    expect(out[1]).toMatch(/^\[roll\] \d\d:\d\d:\d\d rs, restarted in 1234 ms\n$/)
  })

  it('leaves the server alone when a source change builds the same bundle', async () => {
    const root = app()
    const { subject, supervisor, folder } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(supervisor.restart).toHaveBeenCalledTimes(1)
    expect(existsSync(path.join(folder.path, 'app-2.mjs'))).toBe(false)
    expect(out).toHaveLength(1)
    // rs, .env and config changes restart even so.
    await subject.restart({ files: [], since: performance.now() })
    await subject.restart(trigger(root, '.env'))
    await subject.restart(trigger(root, 'src/greeting.ts', 'tsconfig.json'))
    expect(supervisor.restart).toHaveBeenCalledTimes(4)
    expect(supervisor.restart.mock.calls.map(([bundle]) => path.basename(bundle))).toEqual(['app-1.mjs', 'app-2.mjs', 'app-3.mjs', 'app-4.mjs'])
  })

  it('restarts the same bundle again after the app crashed, saying it exited', async () => {
    const root = app()
    const { subject, supervisor } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    supervisor.onCrash(1, null)
    expect(err).toEqual(['[roll] the app exited (code 1); waiting for a change (or type rs + Enter)\n'])
    supervisor.onCrash(null, 'SIGKILL')
    expect(err[1]).toBe('[roll] the app exited (SIGKILL); waiting for a change (or type rs + Enter)\n')
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(supervisor.restart).toHaveBeenCalledTimes(2)
  })

  it('restarts the same bundle again after a failed restart', async () => {
    const root = app()
    const { subject, supervisor } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    supervisor.results.push({ ok: false, message: 'boom', reported: true })
    await subject.restart({ files: [], since: performance.now() })
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(supervisor.restart).toHaveBeenCalledTimes(3)
  })

  it('on a build error prints esbuild\'s message and waits; later the last good server keeps serving', async () => {
    const root = app({ 'src/greeting.ts': 'export const greeting = }\n' })
    const { subject, supervisor } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    expect(supervisor.restart).not.toHaveBeenCalled()
    expect(err).toEqual([
      '[roll] build failed:\n',
      '✘ [ERROR] Unexpected "}"\n\n    src/greeting.ts:1:24:\n      1 │ export const greeting = }\n        ╵                         ^\n',
    ])
    expect(out).toEqual(['[roll] waiting for a change\n'])
    write(root, 'src/greeting.ts', "export const greeting = 'fixed'\n")
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(supervisor.restart).toHaveBeenCalledTimes(1)
    write(root, 'src/greeting.ts', 'export const greeting = }\n')
    err.length = 0
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(err[0]).toMatch(new RegExp(`^\\[roll\\] \\d\\d:\\d\\d:\\d\\d change in ${escape(path.join('src', 'greeting.ts'))}: build failed, the last good server keeps serving:\\n$`))
    await subject.restart({ files: [], since: performance.now() })
    expect(err[2]).toMatch(/^\[roll\] \d\d:\d\d:\d\d rs: build failed, the last good server keeps serving:\n$/)
  })

  it('passes on an error of esbuild that is not a build error', async () => {
    const root = app()
    const { subject } = await session(root)
    await subject.close()
    // A disposed context: esbuild's rebuild rejects without errors.
    const problem = await subject.restart({ files: [], since: performance.now() }).catch((error: unknown) => error)
    expect(problem).toBeInstanceOf(Error)
    expect((problem as { errors?: unknown }).errors).toBeUndefined()
    // Passed on as it is, not reported as a build failure.
    expect(err).toEqual([])
    expect(out).toEqual([])
  })

  it('stops on a port it cannot listen on, with a CliError', async () => {
    for (const code of ['EADDRINUSE', 'EACCES']) {
      const root = app()
      const { subject, supervisor } = await session(root, { host: '0.0.0.0', port: 80 })
      const fatal: Error[] = []
      subject.onFatal = (problem) => fatal.push(problem)
      supervisor.results.push({ ok: false, code, message: `listen ${code}`, reported: false })
      await subject.restart({ files: [], since: performance.now() })
      expect(fatal).toHaveLength(1)
      expect(fatal[0]!.name).toBe('CliError')
      expect(fatal[0]!.message).toBe(`Cannot listen on 0.0.0.0:80: listen ${code}.`)
      expect((fatal[0] as { hint?: string }).hint).toBe('Stop the other server or pass another --port.')
      expect(out).toEqual([])
      expect(err).toEqual([])
    }
  })

  it('waits for a change after a failed start: quietly when the worker said why, else with the message', async () => {
    const root = app()
    const { subject, supervisor } = await session(root)
    supervisor.results.push({ ok: false, message: 'reported', reported: true }, { ok: false, code: 'ERR_X', message: 'the dev worker exited before serving', reported: false })
    await subject.restart({ files: [], since: performance.now() })
    expect(out).toEqual(['[roll] waiting for a change\n'])
    await subject.restart({ files: [], since: performance.now() })
    expect(err).toEqual(['[roll] the dev worker exited before serving; waiting for a change\n'])
    // Once a server runs, the message says it keeps serving, and what the restart was for.
    await subject.restart({ files: [], since: performance.now() })
    supervisor.results.push({ ok: false, message: 'r', reported: true }, { ok: false, message: 'not reported', reported: false })
    await subject.restart({ files: [], since: performance.now() })
    expect(out.at(-1)).toMatch(/^\[roll\] \d\d:\d\d:\d\d rs, not restarted: waiting for a change \(the last good server keeps serving\)\n$/)
    write(root, 'src/greeting.ts', "export const greeting = 'x'\n")
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(err.at(-1)).toMatch(new RegExp(`^\\[roll\\] not reported; \\d\\d:\\d\\d:\\d\\d change in ${escape(path.join('src', 'greeting.ts'))}, not restarted: waiting for a change \\(the last good server keeps serving\\)\\n$`))
  })

  it('opens the browser on the first start with --open, and only then', async () => {
    const root = app()
    const { subject } = await session(root, { open: true })
    await subject.restart({ files: [], since: performance.now() })
    const platform = process.platform
    const url = 'http://127.0.0.1:3579'
    const expected = platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]]
    expect(spawn).toHaveBeenCalledWith(...expected, { detached: true, stdio: 'ignore' })
    const opener = spawn.mock.results[0]!.value as EventEmitter & { unref: ReturnType<typeof vi.fn> }
    expect(opener.unref).toHaveBeenCalled()
    opener.emit('error', new Error('ENOENT'))
    expect(err).toEqual([`[roll] could not open a browser; visit ${url}\n`])
    await subject.restart({ files: [], since: performance.now() })
    expect(spawn).toHaveBeenCalledTimes(1)
  })

  it.each([
    ['darwin', 'open', ['http://127.0.0.1:3579']],
    ['win32', 'cmd', ['/c', 'start', '', 'http://127.0.0.1:3579']],
    ['linux', 'xdg-open', ['http://127.0.0.1:3579']],
  ])('opens the browser on %s with %s', async (platform, command, args) => {
    const root = app()
    const { subject } = await session(root, { open: true })
    const real = Object.getOwnPropertyDescriptor(process, 'platform')!
    Object.defineProperty(process, 'platform', { value: platform, configurable: true })
    try {
      await subject.restart({ files: [], since: performance.now() })
    } finally {
      Object.defineProperty(process, 'platform', real)
    }
    expect(spawn).toHaveBeenCalledWith(command, args, { detached: true, stdio: 'ignore' })
  })

  it('writes the app\'s external imports to the preload module, anew only when they change', async () => {
    const root = app({ 'src/app.ts': "import 'zod'\nimport 'ajv'\nimport { greeting } from './greeting.js'\nexport const app = { route: () => greeting, dispatch() {} }\n" })
    const { subject } = await session(root)
    const preload = preloadPath(root)
    await subject.restart({ files: [], since: performance.now() })
    expect(readFileSync(preload, 'utf8')).toBe('import "ajv"\nimport "zod"')
    writeFileSync(preload, 'untouched')
    write(root, 'src/greeting.ts', "export const greeting = 'changed'\n")
    await subject.restart(trigger(root, 'src/greeting.ts'))
    expect(readFileSync(preload, 'utf8')).toBe('untouched')
    write(root, 'src/app.ts', "import 'zod'\nexport const app = { route() {}, dispatch() {} }\n")
    await subject.restart(trigger(root, 'src/app.ts'))
    expect(readFileSync(preload, 'utf8')).toBe('import "zod"')
  })

  it('empties at the first build a preload module left by an app version with external imports', async () => {
    const root = app()
    const { subject } = await session(root)
    const preload = preloadPath(root)
    writeFileSync(preload, 'import "zod"')
    await subject.restart({ files: [], since: performance.now() })
    expect(readFileSync(preload, 'utf8')).toBe('')
    writeFileSync(preload, 'untouched')
    await subject.restart({ files: [], since: performance.now() })
    expect(readFileSync(preload, 'utf8')).toBe('untouched')
  })

  it('builds with an inline source map whose sources resolve from the bundle\'s folder to the app\'s files', async () => {
    const root = app()
    const { subject, folder } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    const code = readFileSync(path.join(folder.path, 'app-1.mjs'), 'utf8')
    const encoded = /\/\/# sourceMappingURL=data:application\/json;base64,(.+)\s*$/.exec(code)![1]!
    const map = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { sources: string[] }
    expect(map.sources.map((source) => path.resolve(folder.path, source)).sort()).toEqual([path.join(root, 'src/app.ts'), path.join(root, 'src/greeting.ts')])
  })

  it('watches the entry\'s folder, .env and the config files, ignoring node_modules, .git, dist and coverage', async () => {
    const root = app()
    const { subject } = await session(root)
    const changes: string[] = []
    await subject.watch((file) => changes.push(file))
    expect(watchFiles).toHaveBeenCalledTimes(1)
    const [paths, ignored, onChange] = watchFiles.mock.calls[0]!
    expect(paths).toEqual([path.join(root, 'src'), path.join(root, '.env'), path.join(root, 'package.json'), path.join(root, 'tsconfig.json')])
    onChange('x')
    expect(changes).toEqual(['x'])
    const ignores = (file: string) => (ignored as (file: string) => boolean)(path.join(root, file))
    for (const file of ['node_modules/x/y.js', 'src/node_modules/a.ts', '.git/HEAD', 'src/.git/x', 'dist/server.mjs', 'coverage/index.html']) expect(ignores(file)).toBe(true)
    for (const file of ['src/app.ts', 'src/dist/a.ts', 'src/coverage/b.ts', '.env', 'package.json', 'lib/git.ts', 'src/.gitkeep']) expect(ignores(file)).toBe(false)
  })

  it('resolves watch only once the watcher is ready', async () => {
    watchFiles.mockImplementation(() => watcher)
    const root = app()
    const { subject } = await session(root)
    let ready = false
    const watching = subject.watch(() => {}).then(() => (ready = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(ready).toBe(false)
    watcher.emit('ready')
    await watching
    expect(ready).toBe(true)
  })

  it('adds the sources a build finds outside the entry\'s folder to the watcher, once', async () => {
    const root = app({
      'src/app.ts': "import { shared } from '../shared/util.js'\nimport { greeting } from './greeting.js'\nexport const app = { route: () => shared + greeting, dispatch() {} }\n",
      'shared/util.ts': "export const shared = 'shared'\n",
    })
    const { subject } = await session(root)
    await subject.watch(() => {})
    await subject.restart({ files: [], since: performance.now() })
    expect(watcher.add).toHaveBeenCalledTimes(1)
    expect(watcher.add).toHaveBeenCalledWith([path.join(root, 'shared/util.ts')])
    await subject.restart({ files: [], since: performance.now() })
    expect(watcher.add).toHaveBeenCalledTimes(1)
  })

  it('on a package.json change takes the new roll.entry, rebuilds with a fresh context and discards the standby', async () => {
    const root = app({ 'lib/other.ts': "export const app = { route: () => 'other entry', dispatch() {} }\n" })
    const { subject, supervisor, folder } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    write(root, 'package.json', '{"name":"dev-app","roll":{"entry":"lib/other.ts"}}')
    await subject.restart(trigger(root, 'package.json'))
    expect(supervisor.discardStandby).toHaveBeenCalledTimes(1)
    expect(supervisor.restart).toHaveBeenLastCalledWith(path.join(folder.path, 'app-2.mjs'), path.join('lib', 'other.ts'))
    expect(readFileSync(path.join(folder.path, 'app-2.mjs'), 'utf8')).toContain('other entry')
    expect(out[1]).toMatch(/^\[roll\] \d\d:\d\d:\d\d change in package\.json, restarted in \d+ ms\n$/)
  })

  it('on a config change that breaks the entry says why and keeps the server as it is', async () => {
    const root = app()
    const { subject, supervisor } = await session(root)
    await subject.restart({ files: [], since: performance.now() })
    write(root, 'package.json', '{"roll":{"entry":"gone.ts"}}')
    await subject.restart(trigger(root, 'package.json'))
    expect(err).toEqual([`[roll] Cannot find the app's entry module gone.ts ("roll.entry" in package.json). Create it (it exports \`app\`), pass --entry <file>, or set "roll": { "entry": "<file>" } in package.json.\n`])
    expect(supervisor.restart).toHaveBeenCalledTimes(1)
    expect(supervisor.discardStandby).not.toHaveBeenCalled()
    write(root, 'package.json', '{"roll":{"entry":""}}')
    await subject.restart(trigger(root, 'package.json'))
    expect(err[1]).toBe('[roll] "roll.entry" in package.json must be a file path, got "". Set it to e.g. "src/app.ts".\n')
  })

  it('keeps --entry over package.json on a config change', async () => {
    const root = app({ 'lib/main.ts': "export const app = { route: () => 'flag', dispatch() {} }\n" })
    const { subject, supervisor } = await session(root, { entry: 'lib/main.ts' })
    await subject.restart({ files: [], since: performance.now() })
    write(root, 'package.json', '{"roll":{"entry":"src/app.ts"}}')
    await subject.restart(trigger(root, 'tsconfig.json'))
    expect(supervisor.restart.mock.calls.map(([, entry]) => entry)).toEqual([path.join('lib', 'main.ts'), path.join('lib', 'main.ts')])
    expect(supervisor.discardStandby).toHaveBeenCalledTimes(1)
  })

  it('passes on an unexpected error while reloading the config', async () => {
    const root = app()
    const { subject } = await session(root)
    const entryModule = await import('../src/entry.js')
    const problem = new Error('EACCES')
    vi.spyOn(entryModule, 'resolveEntry').mockImplementation(() => { throw problem })
    await expect(subject.restart(trigger(root, 'package.json'))).rejects.toBe(problem)
  })

  it('closes the watcher, stops the supervisor and disposes of esbuild\'s context, even twice', async () => {
    const root = app()
    const { subject, supervisor } = await session(root)
    await subject.watch(() => {})
    await subject.close()
    expect(watcher.close).toHaveBeenCalledTimes(1)
    expect(supervisor.stop).toHaveBeenCalledTimes(1)
    await expect(subject.close()).resolves.toBeUndefined()
    const problem = await subject.restart({ files: [], since: performance.now() }).catch((error: unknown) => error)
    expect(problem).toBeInstanceOf(Error)
  })

  it('closes without a watcher or a context', async () => {
    const { DevSession } = await import('../src/dev/session.js')
    const root = app()
    const folder = { path: root, writePreload: vi.fn(), writeBundle: vi.fn(), remove: vi.fn() }
    const subject = new DevSession(root, { port: 1, host: 'h', open: false }, folder)
    await expect(subject.close()).resolves.toBeUndefined()
    expect(FakeSupervisor.last.stop).toHaveBeenCalledTimes(1)
  })
})

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}
