// roll dev: serve the app and restart it on each change without dropping a request.
import type { Argv, CommandModule } from 'yargs'
import { createBundleFolder } from '../dev/bundle-folder.js'
import { listenForRs, RestartLoop } from '../dev/restart-loop.js'
import { DevSession } from '../dev/session.js'
import { resolveEntry } from '../entry.js'
import { CliError } from '../errors.js'
import { referenceLine } from '../command-line.js'
import { error } from '../log.js'

interface DevArgs {
  port?: number
  host?: string
  entry?: string
  inspect?: string
  open: boolean
}

/** `roll dev [--port $PORT|3579] [--host $HOST|127.0.0.1] [--entry src/app.ts] [--inspect] [--open]` */
export const dev: CommandModule<object, DevArgs> = {
  command: 'dev',
  describe: 'Serve the app, restarting it on each change without dropping a request',
  builder: (yargs) =>
    yargs.options({
      port: { type: 'number', describe: 'Port to listen on (default: $PORT, else 3579; 0: any free port)' },
      host: { type: 'string', describe: 'Address to listen on (default: $HOST, else 127.0.0.1)' },
      entry: { type: 'string', describe: 'The app module (default: "roll.entry" in package.json, else src/app.ts)' },
      inspect: { type: 'string', describe: 'Open the Node inspector of the app ([host:]port, default 127.0.0.1:9229)' },
      open: { type: 'boolean', default: false, describe: 'Open the app in the browser' },
    }).epilogue(referenceLine('#roll-dev')) as unknown as Argv<DevArgs>,
  handler: (args) => runDev(args),
}

async function runDev(args: DevArgs): Promise<void> {
  // As for roll start and dist/server.mjs: PORT and HOST from the environment, unless the flags say otherwise.
  const port = args.port === undefined ? checkPort(process.env.PORT ?? '3579', 'PORT') : checkPort(args.port, '--port')
  const host = args.host ?? (process.env.HOST || '127.0.0.1')
  const options = { ...args, port, host, inspect: args.inspect === undefined ? undefined : parseInspect(args.inspect) }
  // 1. From the start, Ctrl-C, SIGTERM or a fatal error stop everything (step 5).
  const { stopped, fail } = stopSignals()
  // 2. The bundles' folder (once the entry is known to exist), and a standby worker that boots while the first bundle builds.
  resolveEntry(process.cwd(), args.entry)
  const folder = createBundleFolder(process.cwd())
  try {
    const session = new DevSession(process.cwd(), options, folder)
    session.onFatal = fail
    session.supervisor.warmUp()
    await session.createContext()
    // 3. Each change (or rs + Enter) restarts, one at a time.
    const loop = new RestartLoop((trigger) =>
      session.restart(trigger).catch((problem: unknown) => {
        error('unexpected error, still watching:')
        console.error(problem)
      }),
    )
    // 4. Watch; a change made before the watcher is ready would go unseen, so build once it is.
    const stopRs = listenForRs(() => loop.notify())
    await session.watch((file) => loop.notify(file))
    loop.notify()
    // 5. Stop: no worker left, the port freed, the bundles removed.
    const failure = await stopped
    stopRs()
    loop.close()
    await session.close()
    if (failure !== undefined) throw failure
  } finally {
    folder.remove()
  }
}

/**
 * Resolves on the first SIGINT, SIGTERM or SIGHUP (undefined) or `fail(problem)`. A second
 * signal while stopping (Ctrl-C twice) exits at once, after removing the bundles through
 * the folder's `exit` handler, which a signal's default action would skip.
 */
function stopSignals(): { stopped: Promise<Error | undefined>; fail: (problem: Error) => void } {
  let fail: (problem: Error) => void = () => {}
  let stopping = false
  const stopped = new Promise<Error | undefined>((resolve) => {
    fail = resolve
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (stopping) process.exit(130)
        stopping = true
        resolve(undefined)
      })
    }
  })
  return { stopped, fail }
}

function checkPort(value: number | string, from: '--port' | 'PORT'): number {
  const port = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    const hint = from === 'PORT' ? 'Set PORT to a port number (e.g. PORT=3579), or pass --port.' : 'Pass e.g. --port 3579.'
    throw new CliError(`${from} must be an integer from 0 to 65535, got ${typeof value === 'string' ? `'${value}'` : value}.`, hint)
  }
  return port
}

function parseInspect(value: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d+)$/.exec(value)
  if (value === '') return { host: '127.0.0.1', port: 9229 }
  if (match === null) throw new CliError(`--inspect takes [host:]port, got '${value}'.`, 'Pass e.g. --inspect or --inspect=127.0.0.1:9229.')
  // `[::1]:9229` names an IPv6 host as URLs do; the inspector wants it without brackets.
  return { host: match[1]?.replace(/^\[(.*)\]$/, '$1') ?? '127.0.0.1', port: Number(match[2]) }
}
