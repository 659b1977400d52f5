// roll dev's restart loop: changes debounced into one restart, `rs` at once, restarts never
// overlapping; the file watcher and its re-check after chokidar's throttle; `rs` + Enter.
import { EventEmitter } from 'node:events'
import { writeFileSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { listenForRs, RestartLoop, watchFiles, type Trigger } from '../src/dev/restart-loop.js'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.doUnmock('chokidar')
  vi.doUnmock('node:fs/promises')
  vi.resetModules()
  removeTemps()
})

// A run that stays under way until the test ends it.
function controlledRun() {
  const triggers: Trigger[] = []
  const ends: (() => void)[] = []
  const run = vi.fn((trigger: Trigger) => {
    triggers.push(trigger)
    return new Promise<void>((resolve) => ends.push(resolve))
  })
  return { run, triggers, end: () => ends.shift()!() }
}

describe('RestartLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
  })

  it('restarts 8 ms after the last change, once for a burst, with every file and the time of the first', async () => {
    const { run, triggers, end } = controlledRun()
    const loop = new RestartLoop(run)
    vi.advanceTimersByTime(100)
    loop.notify('/app/src/a.ts')
    await vi.advanceTimersByTimeAsync(5)
    loop.notify('/app/src/b.ts')
    loop.notify('/app/src/a.ts')
    await vi.advanceTimersByTimeAsync(7)
    expect(run).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(triggers).toEqual([{ files: ['/app/src/a.ts', '/app/src/b.ts'], since: 100 }])
    end()
    await vi.advanceTimersByTimeAsync(100)
    expect(run).toHaveBeenCalledTimes(1)
  })

  it('takes another debounce', async () => {
    const { run } = controlledRun()
    const loop = new RestartLoop(run, 50)
    loop.notify('/a')
    await vi.advanceTimersByTimeAsync(49)
    expect(run).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(1)
  })

  it('restarts at once for rs, with no files', async () => {
    const { run, triggers } = controlledRun()
    const loop = new RestartLoop(run, 1_000)
    vi.advanceTimersByTime(42)
    loop.notify()
    await vi.advanceTimersByTimeAsync(0)
    expect(triggers).toEqual([{ files: [], since: 42 }])
  })

  it('rs during a burst restarts at once with the files so far, timed from the first change', async () => {
    const { run, triggers } = controlledRun()
    const loop = new RestartLoop(run, 1_000)
    vi.advanceTimersByTime(10)
    loop.notify('/a')
    vi.advanceTimersByTime(20)
    loop.notify()
    await vi.advanceTimersByTimeAsync(0)
    expect(triggers).toEqual([{ files: ['/a'], since: 10 }])
  })

  it('a change after rs keeps the time of rs', async () => {
    const { run, triggers } = controlledRun()
    const loop = new RestartLoop(run, 5)
    vi.advanceTimersByTime(10)
    loop.notify()
    loop.notify('/a')
    expect(run).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(5)
    expect(triggers).toEqual([{ files: ['/a'], since: 10 }])
  })

  it('holds changes made during a restart, then restarts once more with all of them, timed anew', async () => {
    const { run, triggers, end } = controlledRun()
    const loop = new RestartLoop(run)
    loop.notify('/a')
    await vi.advanceTimersByTimeAsync(8)
    expect(run).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(100)
    loop.notify('/b')
    await vi.advanceTimersByTimeAsync(50)
    loop.notify('/c')
    loop.notify()
    await vi.advanceTimersByTimeAsync(50)
    // Still the first restart.
    expect(run).toHaveBeenCalledTimes(1)
    end()
    await vi.advanceTimersByTimeAsync(0)
    expect(triggers).toEqual([{ files: ['/a'], since: 0 }, { files: ['/b', '/c'], since: 108 }])
    end()
    await vi.advanceTimersByTimeAsync(100)
    expect(run).toHaveBeenCalledTimes(2)
  })

  it('starts each burst with a fresh set of files and a fresh time', async () => {
    const { run, triggers, end } = controlledRun()
    const loop = new RestartLoop(run)
    loop.notify('/a')
    await vi.advanceTimersByTimeAsync(8)
    end()
    await vi.advanceTimersByTimeAsync(92)
    loop.notify()
    await vi.advanceTimersByTimeAsync(0)
    end()
    await vi.advanceTimersByTimeAsync(10)
    loop.notify('/b')
    await vi.advanceTimersByTimeAsync(8)
    expect(triggers).toEqual([{ files: ['/a'], since: 0 }, { files: [], since: 100 }, { files: ['/b'], since: 110 }])
  })

  it('does not restart after close, whether a change was pending or comes later', async () => {
    const { run, end } = controlledRun()
    const loop = new RestartLoop(run)
    loop.notify('/a')
    await vi.advanceTimersByTimeAsync(8)
    loop.notify('/b')
    loop.close()
    end()
    await vi.advanceTimersByTimeAsync(100)
    loop.notify('/c')
    loop.notify()
    await vi.advanceTimersByTimeAsync(100)
    expect(run).toHaveBeenCalledTimes(1)
  })

  it('close clears a pending restart', async () => {
    const { run } = controlledRun()
    const loop = new RestartLoop(run)
    loop.notify('/a')
    loop.close()
    await vi.advanceTimersByTimeAsync(100)
    expect(run).not.toHaveBeenCalled()
  })
})

// A chokidar watcher the test drives, and file contents it sets.
class FakeWatcher extends EventEmitter {
  closed = false
}

async function fakeWatch() {
  const watcher = new FakeWatcher()
  const watch = vi.fn(() => watcher)
  const contents = new Map<string, string>()
  const readFile = vi.fn(async (file: string) => {
    const content = contents.get(file)
    if (content === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    return Buffer.from(content)
  })
  vi.doMock('chokidar', () => ({ watch }))
  vi.doMock('node:fs/promises', async (importOriginal) => ({ ...(await importOriginal<object>()), readFile }))
  vi.resetModules()
  const module = await import('../src/dev/restart-loop.js')
  const changes: string[] = []
  const ignored = (file: string) => file.includes('ignored')
  const returned = module.watchFiles(['/app/src', '/app/.env'], ignored, (file) => changes.push(file))
  return { watcher, watch, contents, readFile, changes, ignored, returned }
}

describe('watchFiles (chokidar driven by the test)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })

  it('watches the paths without the initial scan, with the ignore function, and returns the watcher', async () => {
    const { watcher, watch, ignored, returned } = await fakeWatch()
    expect(watch).toHaveBeenCalledWith(['/app/src', '/app/.env'], { ignoreInitial: true, ignored })
    expect(returned).toBe(watcher)
  })

  it('reports added, changed and removed files, not folders', async () => {
    const { watcher, changes } = await fakeWatch()
    for (const [event, file] of [['add', '/a'], ['change', '/b'], ['unlink', '/c'], ['addDir', '/d'], ['unlinkDir', '/e'], ['raw', '/f']]) watcher.emit('all', event, file)
    expect(changes).toEqual(['/a', '/b', '/c'])
  })

  it('looks at a changed file again 60 ms later and reports it again if its content moved on', async () => {
    const { watcher, contents, changes } = await fakeWatch()
    contents.set('/a', 'one')
    watcher.emit('all', 'change', '/a')
    await vi.advanceTimersByTimeAsync(0)
    contents.set('/a', 'two')
    await vi.advanceTimersByTimeAsync(59)
    expect(changes).toEqual(['/a'])
    await vi.advanceTimersByTimeAsync(1)
    expect(changes).toEqual(['/a', '/a'])
    // The second look found 'two'; 60 ms later it is still 'two': no more.
    await vi.advanceTimersByTimeAsync(500)
    expect(changes).toEqual(['/a', '/a'])
  })

  it('does not report a file again when its content is the same', async () => {
    const { watcher, contents, changes } = await fakeWatch()
    contents.set('/a', 'same')
    watcher.emit('all', 'change', '/a')
    await vi.advanceTimersByTimeAsync(500)
    expect(changes).toEqual(['/a'])
  })

  it('reports a file again when it was removed, or created, since the event', async () => {
    const { watcher, contents, changes } = await fakeWatch()
    contents.set('/gone', 'x')
    watcher.emit('all', 'change', '/gone')
    watcher.emit('all', 'unlink', '/new')
    await vi.advanceTimersByTimeAsync(0)
    contents.delete('/gone')
    contents.set('/new', 'y')
    await vi.advanceTimersByTimeAsync(60)
    expect(changes.sort()).toEqual(['/gone', '/gone', '/new', '/new'])
    await vi.advanceTimersByTimeAsync(500)
    expect(changes).toHaveLength(4)
  })

  it('does not report a file that stays missing again', async () => {
    const { watcher, changes } = await fakeWatch()
    watcher.emit('all', 'unlink', '/gone')
    await vi.advanceTimersByTimeAsync(500)
    expect(changes).toEqual(['/gone'])
  })

  it('does not report again once the watcher is closed', async () => {
    const { watcher, contents, changes } = await fakeWatch()
    contents.set('/a', 'one')
    watcher.emit('all', 'change', '/a')
    await vi.advanceTimersByTimeAsync(0)
    contents.set('/a', 'two')
    watcher.closed = true
    await vi.advanceTimersByTimeAsync(500)
    expect(changes).toEqual(['/a'])
  })

  it('prints watcher errors and goes on', async () => {
    const { watcher, changes } = await fakeWatch()
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {})
    const problem = new Error('EMFILE')
    watcher.emit('error', problem)
    expect(printed).toHaveBeenCalledWith('[roll] file watcher error:', problem)
    watcher.emit('all', 'change', '/a')
    expect(changes).toEqual(['/a'])
  })
})

describe('watchFiles (real chokidar)', () => {
  it('reports a change to a watched file and not to an ignored one', async () => {
    const root = tempDir('roll-watch-')
    mkdirSync(path.join(root, 'src'))
    mkdirSync(path.join(root, 'src', 'skip'))
    writeFileSync(path.join(root, 'src', 'app.ts'), 'one')
    const changes: string[] = []
    const watcher = watchFiles([path.join(root, 'src')], (file) => file.includes(`${path.sep}skip`), (file) => changes.push(file))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('watcher not ready within 10 s')), 10_000)
        watcher.once('ready', () => (clearTimeout(timer), resolve()))
      })
      writeFileSync(path.join(root, 'src', 'skip', 'x.ts'), 'ignored')
      writeFileSync(path.join(root, 'src', 'app.ts'), 'two')
      await vi.waitFor(() => expect(changes).toContain(path.join(root, 'src', 'app.ts')), { timeout: 10_000, interval: 20 })
      rmSync(path.join(root, 'src', 'app.ts'))
      await vi.waitFor(() => expect(changes.filter((file) => file.endsWith('app.ts')).length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 20 })
      expect(changes.every((file) => file === path.join(root, 'src', 'app.ts'))).toBe(true)
    } finally {
      await watcher.close()
    }
  })
})

describe('listenForRs', () => {
  const realStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!
  let input: PassThrough

  beforeEach(() => {
    input = new PassThrough()
    Object.defineProperty(process, 'stdin', { configurable: true, enumerable: true, get: () => input })
  })

  afterEach(() => {
    Object.defineProperty(process, 'stdin', realStdin)
  })

  const lines = async (text: string) => {
    input.write(text)
    await new Promise((resolve) => setImmediate(resolve))
  }

  it('calls back on each "rs" line (spaces around allowed), not on other lines', async () => {
    const onRs = vi.fn()
    const stop = listenForRs(onRs)
    await lines('rs\n')
    expect(onRs).toHaveBeenCalledTimes(1)
    await lines('  rs \t\nrsx\nrs rs\nr\ns\n\n')
    expect(onRs).toHaveBeenCalledTimes(2)
    await lines('r')
    await lines('s\n')
    expect(onRs).toHaveBeenCalledTimes(3)
    stop()
  })

  it('reads stdin as lines, not as a terminal (no raw mode, so Ctrl-C stays a signal)', async () => {
    const setRawMode = vi.fn()
    Object.assign(input, { isTTY: true, setRawMode })
    const onRs = vi.fn()
    const stop = listenForRs(onRs)
    await lines('rs\n')
    expect(onRs).toHaveBeenCalledTimes(1)
    expect(setRawMode).not.toHaveBeenCalled()
    stop()
  })

  it('stops listening, and pauses stdin, when told to', async () => {
    const onRs = vi.fn()
    const pause = vi.spyOn(input, 'pause')
    const stop = listenForRs(onRs)
    stop()
    expect(pause).toHaveBeenCalled()
    await lines('rs\n')
    expect(onRs).not.toHaveBeenCalled()
  })

  it('stops on an input error (a terminal gone) without throwing', async () => {
    const onRs = vi.fn()
    const stop = listenForRs(onRs)
    input.emit('error', Object.assign(new Error('read EIO'), { code: 'EIO' }))
    await lines('rs\n')
    expect(onRs).not.toHaveBeenCalled()
    stop()
  })

  it('does nothing on a destroyed stdin', async () => {
    input.destroy()
    const on = vi.spyOn(input, 'on')
    const pause = vi.spyOn(input, 'pause')
    const stop = listenForRs(vi.fn())
    expect(on).not.toHaveBeenCalled()
    stop()
    expect(pause).not.toHaveBeenCalled()
  })
})
