// roll dev's watch loop: file changes (chokidar) and `rs` + Enter become restarts, debounced
// so a "save all" is one restart, and serialized so restarts never overlap.
import { watch, type FSWatcher } from 'chokidar'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'

/** What triggered a restart: the changed files (empty for `rs`) and when the first change came. */
export interface Trigger {
  files: string[]
  since: number
}

/** Turns change notifications into serialized, debounced calls of `run`. */
export class RestartLoop {
  #run: (trigger: Trigger) => Promise<void>
  #debounce: number
  #files = new Set<string>()
  #forced = false
  #since = 0
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  /** `debounce`: ms to wait after the last change before restarting. Default 8: editors write a "save all" within a few ms, and every ms here is a ms of every restart. */
  constructor(run: (trigger: Trigger) => Promise<void>, debounce = 8) {
    this.#run = run
    this.#debounce = debounce
  }

  /** A file changed (restart after the debounce), or, without a file, `rs` (restart now). */
  notify(file?: string): void {
    if (this.#files.size === 0 && !this.#forced) this.#since = performance.now()
    if (file === undefined) this.#forced = true
    else this.#files.add(file)
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#flush(), file === undefined ? 0 : this.#debounce)
  }

  /** Stops: no restart after this one. */
  close(): void {
    clearTimeout(this.#timer)
    this.#run = async () => {}
  }

  async #flush(): Promise<void> {
    // Changes during a restart wait for it, then make one more.
    if (this.#running !== undefined) return
    if (this.#files.size === 0 && !this.#forced) return
    const trigger = { files: [...this.#files], since: this.#since }
    this.#files.clear()
    this.#forced = false
    this.#running = this.#run(trigger).finally(() => {
      this.#running = undefined
      void this.#flush()
    })
  }
}

// chokidar drops a file's change events for 50 ms after one it emitted (and raw events
// for 5 ms), with no trailing event: a save in that window, or the write that follows an
// editor's truncate, would go unseen. So each event is followed by a look at the file
// once the window has passed; if its content moved on since the event, it changed again.
const RECHECK_AFTER = 60

/** Watches `paths` (files or folders) for changes, skipping what `ignored` says, and reports each changed file. */
export function watchFiles(paths: string[], ignored: (path: string) => boolean, onChange: (file: string) => void): FSWatcher {
  const watcher = watch(paths, { ignoreInitial: true, ignored })
  const read = (file: string) => readFile(file).catch(() => undefined)
  const changed = async (file: string) => {
    onChange(file)
    const seen = await read(file)
    setTimeout(async () => {
      const now = await read(file)
      if (!watcher.closed && (now === undefined ? seen !== undefined : seen === undefined || !now.equals(seen))) void changed(file)
    }, RECHECK_AFTER)
  }
  watcher.on('all', (event, file) => {
    if (event === 'change' || event === 'add' || event === 'unlink') void changed(file)
  })
  watcher.on('error', (error) => console.error('[roll] file watcher error:', error))
  return watcher
}

/** Calls `onRs` when the user types `rs` and Enter; returns a function that stops listening. */
export function listenForRs(onRs: () => void): () => void {
  if (process.stdin.destroyed) return () => {}
  const lines = createInterface({ input: process.stdin, terminal: false })
  lines.on('line', (line) => { if (line.trim() === 'rs') onRs() })
  // A terminal that goes away (EIO) only ends the `rs` command, not the dev loop.
  lines.on('error', () => lines.close())
  return () => {
    lines.close()
    process.stdin.pause()
  }
}
