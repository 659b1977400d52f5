// The server bootstrap that roll build bundles with the app into dist/server.mjs: serve on
// PORT/HOST, answer health checks, fire startup, and on SIGTERM/SIGINT drain, fire
// shutdown and exit 0; on an error that escapes the app, drain the same way and exit 1.
import cluster from 'node:cluster'
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import { appFrom, type AppLike } from '../app-module.js'
import { DRAIN, DRAIN_WAIT, STOPPED_LISTENING } from './start-protocol.js'

type HeadersListener = (request: { path: string }, response: { status: number; body: unknown }) => boolean
interface Served {
  url: string
  stopListening(): void
  close(): Promise<void>
}
type Serve = (app: never, options: { port: number; host: string; drainTimeout: number }) => Promise<Served>

function envNumber(name: string, fallback: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got '${raw}'. Fix it in the environment.`)
  }
  return value
}

/**
 * `error` as Node prints it, with the bundle's frames pointing at the source files. Node
 * maps stacks itself only when source maps were on before the bundle loaded (`node
 * --enable-source-maps`, as roll start runs it); otherwise this reads the bundle's map.
 */
export function sourceMapped(error: unknown): string {
  const text = inspect(error)
  const bundle = import.meta.url
  if (!text.includes(bundle)) return text
  let map: SourceMap
  try {
    map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(bundle)}.map`, 'utf8')))
  } catch {
    return text
  }
  const root = dirname(fileURLToPath(bundle))
  const escaped = bundle.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g')
  return text.replace(frame, (location, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1)
    if (!('originalSource' in entry)) return location
    return `${resolve(root, entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
  })
}

/**
 * Serves the app of `module` on PORT (default 3579) and HOST (default 127.0.0.1), and
 * answers GET ROLL_HEALTH_PATH (default /healthz; empty: none) with 200 `ok`, or 503
 * `stopping` once draining. On SIGTERM or SIGINT it stops accepting, lets in-flight
 * requests finish for up to ROLL_DRAIN_TIMEOUT ms (default 10000), fires `shutdown` and
 * exits 0. An exception or rejection that nothing caught leaves the app in an unknown
 * state: it is logged with its stack, the server drains the same way and exits 1, for
 * roll start or the supervisor to start a fresh process.
 */
export async function run(module: Record<string, unknown>, serve: Serve, entry: string): Promise<void> {
  try {
    const app = appFrom(module, entry) as AppLike & { listen(event: 'headers', listener: HeadersListener): unknown }
    const port = envNumber('PORT', 3579, 65535)
    const host = process.env.HOST || '127.0.0.1'
    const drainTimeout = envNumber('ROLL_DRAIN_TIMEOUT', 10_000, 24 * 3600_000)
    const healthPath = process.env.ROLL_HEALTH_PATH ?? '/healthz'
    let served: Served | undefined
    let stopping = false
    let draining = false
    let exitCode = 0
    const drain = () => {
      // A second signal (Ctrl-C reaches every process of the group) or fault must not cut the drain short.
      if (draining) return
      draining = stopping = true
      // Bounded: a `shutdown` listener that never settles must not keep the process alive.
      setTimeout(() => process.exit(1), drainTimeout + 5_000).unref()
      if (served === undefined) return process.exit(1)
      served.close().then(
        () => process.exit(exitCode),
        (error: unknown) => {
          console.error('[roll] shutdown failed:', error)
          process.exit(1)
        },
      )
    }
    // Without an unhandledRejection listener, Node raises an unhandled rejection here too (origin tells which).
    process.on('uncaughtException', (error, origin) => {
      const what = origin === 'unhandledRejection'
        ? 'a promise was rejected and nothing handled the rejection'
        : 'an exception was thrown and nothing caught it'
      const stack = sourceMapped(error)
      exitCode = 1
      if (stopping) {
        console.error(`[roll] while the server was stopping, ${what} (it goes on stopping):\n${stack}`)
      } else {
        console.error(
          `[roll] ${what}, so the app may be in a broken state. The server stops accepting, ` +
            `finishes the requests in flight (for up to ${drainTimeout} ms) and exits with code 1, ` +
            `for roll start or your supervisor to start a fresh one. Fix the error; its stack shows where:\n${stack}`,
        )
      }
      drain()
    })
    if (healthPath !== '') {
      // Through the `headers` event, as an extension would: before routing, so the app
      // needs no route for it, and its body is never read.
      app.listen('headers', (request, response) => {
        if (request.path !== healthPath) return false
        response.status = stopping ? 503 : 200
        response.body = stopping ? 'stopping' : 'ok'
        return true
      })
    }
    const listening = (served = await serve(app as never, { port, host, drainTimeout }))
    // Under `roll start` the cluster primary prints the address once for all workers.
    if (!cluster.isWorker) console.log(`Rolling on ${listening.url}`)
    // Once per roll start too: its first worker says it.
    if (!(app as unknown as Record<symbol, unknown>)[Symbol.for('roll.traceback')] && (cluster.worker?.id ?? 1) === 1) {
      console.log('[roll] an unexpected error is logged in one line; to log its stack too, add traceback(app) from @roll/framework/extensions')
    }
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      if (!cluster.isWorker) {
        console.log(`${signal} received, finishing in-flight requests…`)
        return drain()
      }
      // Under roll start: see start-protocol.ts.
      listening.stopListening()
      process.send!(STOPPED_LISTENING)
      process.on('message', (message) => message === DRAIN && drain())
      setTimeout(drain, DRAIN_WAIT)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  } catch (error) {
    console.error('[roll] the server could not start:', error)
    process.exit(1)
  }
}
