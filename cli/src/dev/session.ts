// One `roll dev` run: its state (the entry, esbuild's context, the bundles, what is
// watched, what is served) and what each change does to it.
import type { BuildContext, BuildResult } from 'esbuild'
import { spawn } from 'node:child_process'
import { dirname, join, relative, sep } from 'node:path'
import { buildErrors, devBuildOptions, externalImports, formatErrors, loadEsbuild, sourceInputs } from '../bundle.js'
import { resolveEntry, type Entry } from '../entry.js'
import { readEnvFile } from '../env-file.js'
import { CliError } from '../errors.js'
import { error, info, success } from '../log.js'
import type { BundleFolder } from './bundle-folder.js'
import { watchFiles, type Trigger } from './restart-loop.js'
import { Supervisor, type RestartResult } from './supervisor.js'

export interface DevOptions {
  port: number
  host: string
  entry?: string
  inspect?: { host: string; port: number }
  open: boolean
}

const CONFIG_FILES = ['package.json', 'tsconfig.json']

export class DevSession {
  readonly supervisor: Supervisor
  /** Called when the session cannot go on (the port is taken). */
  onFatal: (problem: Error) => void = () => {}
  #entry: Entry
  #context?: BuildContext
  #version = 0
  #url?: string
  #externals?: string
  #served?: Uint8Array
  /** When the bundle being served started serving ("12:04:31"), and whether a build or start failed since. */
  #servedAt = ''
  #broken = false
  #watched = new Set<string>()
  #watcher?: ReturnType<typeof watchFiles>

  constructor(readonly root: string, readonly options: DevOptions, readonly folder: BundleFolder) {
    this.#entry = resolveEntry(root, options.entry)
    this.supervisor = new Supervisor({ port: options.port, host: options.host, inspect: options.inspect, env: () => readEnvFile(root) })
    this.supervisor.onCrash = (code, signal) => {
      this.#served = undefined
      error(`the app exited (${signal ?? `code ${code}`}); waiting for a change (or type rs + Enter)`)
    }
  }

  /** Makes esbuild's context (esbuild is loaded here: `roll start` and `roll create` do without it). */
  async createContext(): Promise<void> {
    const { context } = loadEsbuild()
    this.#context = await context(devBuildOptions(this.root, this.#entry.path, join(this.folder.path, 'app.mjs')))
  }

  /** Watches the entry's folder, the app's config files, and (as builds find them) sources outside it; resolves once ready. */
  watch(onChange: (file: string) => void): Promise<void> {
    const sourceDir = dirname(this.#entry.path)
    for (const file of [sourceDir, ...['.env', ...CONFIG_FILES].map((name) => join(this.root, name))]) this.#watched.add(file)
    this.#watcher = watchFiles([...this.#watched], (path) => isIgnored(this.root, path), onChange)
    return new Promise((resolve) => this.#watcher!.once('ready', () => resolve()))
  }

  /** One restart: reload the config if it changed, rebuild, hand the new bundle to the supervisor, say how it went. */
  async restart({ files, since }: Trigger): Promise<void> {
    const shown = files.map((file) => relative(this.root, file))
    // One line per restart, once it is over, with the time of the change, so a long
    // session's scrollback reads back: "[roll] 12:04:31 change in src/app.ts, restarted in 38 ms".
    const cause = shown.length > 0 ? `change in ${listFiles(shown)}` : 'rs'
    const reason = this.#url === undefined ? undefined : `${new Date().toTimeString().slice(0, 8)} ${cause}`
    if (shown.some((file) => CONFIG_FILES.includes(file)) && !(await this.#reloadConfig())) return
    const built = await this.#build(reason)
    if (built === undefined) return
    const contents = built.outputFiles![0]!.contents
    // A save that changes nothing (or a change seen twice) leaves the server as it is.
    const sourcesOnly = shown.length > 0 && shown.every((file) => file !== '.env' && !CONFIG_FILES.includes(file))
    if (sourcesOnly && this.#served !== undefined && Buffer.from(contents).equals(this.#served)) {
      // Back to what is served after a failed build: the screen must not end on that error.
      if (this.#broken) success(`${reason}: fixed; serving the version of ${this.#servedAt} again`)
      this.#broken = false
      return
    }
    const bundle = this.folder.writeBundle(++this.#version, contents)
    this.#preloadExternals(built)
    this.#watchNewSources(built)
    const outcome = await this.supervisor.restart(bundle, this.#entry.shown)
    this.#served = outcome.ok ? contents : undefined
    this.#broken = !outcome.ok
    if (outcome.ok) this.#servedAt = new Date().toTimeString().slice(0, 8)
    this.#report(outcome, reason, since)
  }

  async close(): Promise<void> {
    await Promise.all([this.#watcher?.close(), this.supervisor.stop()])
    // On Ctrl-C the terminal signals esbuild's service too: it may be gone already.
    await this.#context?.dispose().catch(() => {})
  }

  // roll.entry, the dependencies or the compiler options may have changed: false if the entry is now wrong.
  async #reloadConfig(): Promise<boolean> {
    try {
      this.#entry = resolveEntry(this.root, this.options.entry)
    } catch (problem) {
      if (!(problem instanceof CliError)) throw problem
      error(`${problem.message} ${problem.hint ?? ''}`)
      return false
    }
    await this.#context?.dispose()
    await this.createContext()
    this.supervisor.discardStandby()
    return true
  }

  async #build(reason: string | undefined): Promise<BuildResult | undefined> {
    try {
      return await this.#context!.rebuild()
    } catch (problem) {
      const errors = buildErrors(problem)
      if (errors === undefined) throw problem
      this.#broken = true
      error(`${reason === undefined ? '' : `${reason}: `}build failed${this.#url === undefined ? '' : ', the last good server keeps serving'}:`)
      process.stderr.write(`${await formatErrors(errors, process.stderr.isTTY)}\n`)
      info('waiting for a change')
      return undefined
    }
  }

  #preloadExternals(built: BuildResult): void {
    const imports = externalImports(built.metafile!)
    if (imports.join() === this.#externals) return
    this.#externals = imports.join()
    this.folder.writePreload(imports.map((name) => `import ${JSON.stringify(name)}`).join('\n'))
  }

  #watchNewSources(built: BuildResult): void {
    const sourceDir = dirname(this.#entry.path) + sep
    const unwatched = sourceInputs(built.metafile!).map((file) => join(this.root, file))
      .filter((file) => !this.#watched.has(file) && !file.startsWith(sourceDir))
    if (unwatched.length === 0) return
    for (const file of unwatched) this.#watched.add(file)
    this.#watcher?.add(unwatched)
  }

  #report(outcome: RestartResult, reason: string | undefined, since: number): void {
    if (outcome.ok) {
      if (this.#url === undefined) {
        this.#url = outcome.url
        success(`dev server on ${this.#url} (${this.#entry.shown}); type rs + Enter to restart`)
        if (this.options.open) openBrowser(this.#url)
      } else success(`${reason}, restarted in ${Math.round(performance.now() - since)} ms`)
    } else if (outcome.code === 'EADDRINUSE' || outcome.code === 'EACCES') {
      const { host, port } = this.options
      this.onFatal(new CliError(`Cannot listen on ${host}:${port}: ${outcome.message}.`, 'Stop the other server or pass another --port.'))
    } else {
      const waiting = `${reason === undefined ? '' : `${reason}, not restarted: `}waiting for a change${this.#url === undefined ? '' : ' (the last good server keeps serving)'}`
      if (outcome.reported) info(waiting)
      else error(`${outcome.message}; ${waiting}`)
    }
  }
}

const listFiles = (files: string[]) => (files.length <= 3 ? files.join(', ') : `${files.slice(0, 2).join(', ')} and ${files.length - 2} more files`)

// Files editors and tools write beside the one being saved: sed -i's sedXXXXXX, vim's
// swap files and its 4913 probe, backups ending in ~, emacs' .#locks, JetBrains' safe writes.
const EDITOR_FILES = /^(sed[A-Za-z0-9]{6}|4913|\.#.*|.*~|.*\.sw[a-p]|.*___jb_(tmp|old)___|\.DS_Store)$/

// node_modules, .git and build output never hold the app's sources.
function isIgnored(root: string, path: string): boolean {
  const parts = relative(root, path).split(sep)
  if (EDITOR_FILES.test(parts[parts.length - 1] ?? '')) return true
  return parts.includes('node_modules') || parts.includes('.git') || parts[0] === 'dist' || parts[0] === 'coverage'
}

function openBrowser(url: string): void {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url]
  const opener = spawn(command!, args, { detached: true, stdio: 'ignore' })
  opener.on('error', () => error(`could not open a browser; visit ${url}`))
  opener.unref()
}
