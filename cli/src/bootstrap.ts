// The server bootstrap that roll build bundles with the app into dist/server.mjs: serve on
// PORT/HOST, answer health checks, fire startup, and on SIGTERM/SIGINT drain, fire
// shutdown and exit 0.
import cluster from 'node:cluster'
import { appFrom, type AppLike } from './app-module.js'

type HeadersListener = (request: { path: string }, response: { status: number; body: unknown }) => boolean
interface Served {
  url: string
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
 * Serves the app of `module` on PORT (default 3579) and HOST (default 127.0.0.1), and
 * answers GET ROLL_HEALTH_PATH (default /healthz; empty: none) with 200 `ok`, or 503
 * `stopping` once draining. On SIGTERM or SIGINT it stops accepting, lets in-flight
 * requests finish for up to ROLL_DRAIN_TIMEOUT ms (default 10000), fires `shutdown` and
 * exits 0.
 */
export async function run(module: Record<string, unknown>, serve: Serve, entry: string): Promise<void> {
  try {
    const app = appFrom(module, entry) as AppLike & { listen(event: 'headers', listener: HeadersListener): unknown }
    const port = envNumber('PORT', 3579, 65535)
    const host = process.env.HOST || '127.0.0.1'
    const drainTimeout = envNumber('ROLL_DRAIN_TIMEOUT', 10_000, 24 * 3600_000)
    const healthPath = process.env.ROLL_HEALTH_PATH ?? '/healthz'
    let stopping = false
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
    const served = await serve(app as never, { port, host, drainTimeout })
    // Under `roll start` the cluster primary prints the address once for all workers.
    if (!cluster.isWorker) console.log(`Rolling on ${served.url}`)
    const stop = (signal: NodeJS.Signals) => {
      // A second signal (Ctrl-C reaches every process of the group) must not cut the drain short.
      if (stopping) return
      stopping = true
      if (!cluster.isWorker) console.log(`${signal} received, finishing in-flight requests…`)
      // Bounded: a `shutdown` listener that never settles must not keep the process alive.
      setTimeout(() => process.exit(1), drainTimeout + 5_000).unref()
      served.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('[roll] shutdown failed:', error)
          process.exit(1)
        },
      )
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  } catch (error) {
    console.error('[roll] the server could not start:', error)
    process.exit(1)
  }
}
