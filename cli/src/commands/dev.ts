// roll dev: serve the app and restart it on each change without dropping a request.
import type { BuildContext } from 'esbuild'
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { Argv, CommandModule } from 'yargs'
import { buildErrors, devBuildOptions, externalImports, formatErrors, sourceInputs } from '../bundle.js'
import { resolveEntry } from '../entry.js'
import { readEnvFile } from '../env-file.js'
import { CliError } from '../errors.js'
import { error, info } from '../log.js'
import { listenForRs, RestartLoop, watchFiles, type Trigger } from '../restart.js'
import { Supervisor } from '../supervisor.js'

interface DevArgs {
  port: number
  host: string
  entry?: string
  inspect?: string
  open: boolean
}

/** `roll dev [--port 3579] [--host 127.0.0.1] [--entry src/app.ts] [--inspect] [--open]` */
export const dev: CommandModule<object, DevArgs> = {
  command: 'dev',
  describe: 'Serve the app, restarting it on each change without dropping a request',
  builder: (yargs) =>
    yargs.options({
      port: { type: 'number', default: 3579, describe: 'Port to listen on (0: any free port)' },
      host: { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' },
      entry: { type: 'string', describe: 'The app module (default: "roll.entry" in package.json, else src/app.ts)' },
      inspect: { type: 'string', describe: 'Open the Node inspector of the app ([host:]port, default 127.0.0.1:9229)' },
      open: { type: 'boolean', default: false, describe: 'Open the app in the browser' },
    }) as unknown as Argv<DevArgs>,
  handler: (args) => runDev(args),
}

const CONFIG_FILES = ['package.json', 'tsconfig.json']

async function runDev(args: DevArgs): Promise<void> {
  const root = process.cwd()
  const port = checkPort(args.port)
  const inspect = args.inspect === undefined ? undefined : parseInspect(args.inspect)
  // From the start, Ctrl-C, SIGTERM or a fatal error stop everything (step 5).
  let fatal: (problem: Error) => void = () => {}
  const stopped = new Promise<Error | undefined>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve(undefined))
    fatal = resolve
  })

  // 1. The entry, and a private folder for the bundles inside node_modules, so the
  //    bundles' imports of dependencies resolve as they do from the app.
  let entry = resolveEntry(root, args.entry)
  const outDir = join(root, 'node_modules', '.roll', `dev-${process.pid}`)
  mkdirSync(outDir, { recursive: true })
  const framework = join(outDir, 'framework.mjs')
  const preload = join(outDir, 'preload.mjs')
  writeFileSync(framework, "export { serve } from '@roll/framework'\n")
  writeFileSync(preload, '')

  // 2. A standby worker boots while the first bundle builds.
  const supervisor = new Supervisor({ port, host: args.host, inspect, env: () => readEnvFile(root), framework, preload })
  supervisor.warmUp()
  // Loaded here, not at the top: `roll start` and `roll create` do without esbuild.
  const { context: esbuildContext } = await import('esbuild')
  const createContext = () => esbuildContext(devBuildOptions(root, entry.path, join(outDir, 'app.mjs')))
  let context: BuildContext = await createContext()

  // 3. Each change: rebuild, write the bundle under a new name, hand it to the supervisor.
  let version = 0
  let url: string | undefined
  let externals = ''
  const watched = new Set<string>()
  let served: Uint8Array | undefined
  const restart = async ({ files, since }: Trigger): Promise<void> => {
    const shown = files.map((file) => relative(root, file))
    // One line per restart, once it is over: "[roll] change in src/app.ts, restarted in 38 ms".
    const reason = url === undefined ? undefined : shown.length > 0 ? `change in ${listFiles(shown)}` : 'rs'
    const sourcesOnly = shown.length > 0 && shown.every((file) => file !== '.env' && !CONFIG_FILES.includes(file))
    if (shown.some((file) => CONFIG_FILES.includes(file))) {
      // roll.entry, the dependencies or the compiler options may have changed.
      try {
        entry = resolveEntry(root, args.entry)
      } catch (problem) {
        if (!(problem instanceof CliError)) throw problem
        error(`${problem.message} ${problem.hint ?? ''}`)
        return
      }
      await context.dispose()
      context = await createContext()
      supervisor.discardStandby()
    }
    let built
    try {
      built = await context.rebuild()
    } catch (problem) {
      const errors = buildErrors(problem)
      if (errors === undefined) throw problem
      error(`${reason === undefined ? '' : `${reason}: `}build failed${url === undefined ? '' : ', the last good server keeps serving'}:`)
      process.stderr.write(`${await formatErrors(errors, process.stderr.isTTY)}\n`)
      info('waiting for a change')
      return
    }
    const contents = built.outputFiles![0]!.contents
    // A save that changes nothing (or a change seen twice) leaves the server as it is.
    if (sourcesOnly && served !== undefined && Buffer.from(contents).equals(served)) return
    const bundle = join(outDir, `app-${++version}.mjs`)
    writeFileSync(bundle, contents)
    const imports = externalImports(built.metafile!)
    if (imports.join() !== externals) {
      externals = imports.join()
      writeFileSync(preload, imports.map((name) => `import ${JSON.stringify(name)}`).join('\n'))
    }
    const unwatched = sourceInputs(built.metafile!).map((file) => join(root, file)).filter((file) => !isWatched(file))
    if (unwatched.length > 0) {
      for (const file of unwatched) watched.add(file)
      watcher.add(unwatched)
    }
    const outcome = await supervisor.restart(bundle, entry.shown)
    removeOldBundles(outDir, version)
    served = outcome.ok ? contents : undefined
    if (outcome.ok) {
      if (url === undefined) {
        url = outcome.url
        info(`dev server on ${url} (${entry.shown}); type rs + Enter to restart`)
        if (args.open) openBrowser(url)
      } else info(`${reason}, restarted in ${Math.round(performance.now() - since)} ms`)
    } else if (outcome.code === 'EADDRINUSE' || outcome.code === 'EACCES') {
      fatal(new CliError(`Cannot listen on ${args.host}:${port}: ${outcome.message}.`, 'Stop the other server or pass another --port.'))
    } else {
      const waiting = `${reason === undefined ? '' : `${reason}, not restarted: `}waiting for a change${url === undefined ? '' : ' (the last good server keeps serving)'}`
      if (outcome.reported) info(waiting)
      else error(`${outcome.message}; ${waiting}`)
    }
  }
  const loop = new RestartLoop((trigger) =>
    restart(trigger).catch((problem: unknown) => {
      error('unexpected error, still watching:')
      console.error(problem)
    }),
  )
  supervisor.onCrash = (code, signal) => {
    served = undefined
    error(`the app exited (${signal ?? `code ${code}`}); waiting for a change (or type rs + Enter)`)
  }

  // 4. Watch the entry's folder, the app's config files and any source file outside it.
  const sourceDir = dirname(entry.path)
  const isWatched = (file: string) => watched.has(file) || file.startsWith(sourceDir + sep)
  for (const file of [sourceDir, ...['.env', ...CONFIG_FILES].map((name) => join(root, name))]) watched.add(file)
  const watcher = watchFiles([...watched], (path) => isIgnored(root, path), (file) => loop.notify(file))
  const stopRs = listenForRs(() => loop.notify())
  // A change made before the watcher is ready would go unseen; the standby boots meanwhile.
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  loop.notify()

  // 5. Stop: no worker left, the port freed, the bundles removed.
  const failure = await stopped
  stopRs()
  loop.close()
  await Promise.all([watcher.close(), supervisor.stop()])
  // On Ctrl-C the terminal signals esbuild's service too: it may be gone already.
  await context.dispose().catch(() => {})
  rmSync(outDir, { recursive: true, force: true })
  if (failure !== undefined) throw failure
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be an integer from 0 to 65535, got ${port}.`, 'Pass e.g. --port 3579.')
  }
  return port
}

function parseInspect(value: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d+)$/.exec(value)
  if (value === '') return { host: '127.0.0.1', port: 9229 }
  if (match === null) throw new CliError(`--inspect takes [host:]port, got '${value}'.`, 'Pass e.g. --inspect or --inspect=127.0.0.1:9229.')
  return { host: match[1] ?? '127.0.0.1', port: Number(match[2]) }
}

const listFiles = (files: string[]) => (files.length <= 3 ? files.join(', ') : `${files.slice(0, 2).join(', ')} and ${files.length - 2} more files`)

// node_modules, .git and build output never hold the app's sources.
function isIgnored(root: string, path: string): boolean {
  const parts = relative(root, path).split(sep)
  return parts.includes('node_modules') || parts.includes('.git') || parts[0] === 'dist' || parts[0] === 'coverage'
}

function removeOldBundles(outDir: string, current: number): void {
  for (const name of readdirSync(outDir)) {
    const match = /^app-(\d+)\.mjs$/.exec(name)
    if (match !== null && Number(match[1]) < current) rmSync(join(outDir, name), { force: true })
  }
}

function openBrowser(url: string): void {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url]
  const opener = spawn(command!, args, { detached: true, stdio: 'ignore' })
  opener.on('error', () => error(`could not open a browser; visit ${url}`))
  opener.unref()
}
