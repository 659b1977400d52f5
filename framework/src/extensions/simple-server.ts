// simpleServer: serve the app, print where, and stop cleanly on SIGINT/SIGTERM.
import type { Roll } from '../app.js'
import { serve, type ServeOptions, type Served } from '../server.js'

export interface SimpleServerOptions extends ServeOptions {
  /** Print nothing. Default false. */
  quiet?: boolean
}

/**
 * Serves `app` (default http://127.0.0.1:3579), prints "Rolling on …", and on SIGINT or
 * SIGTERM lets in-flight requests finish, fires `shutdown` and exits.
 * @example await simpleServer(app, { port: 8080 })
 */
export async function simpleServer(app: Roll, options: SimpleServerOptions = {}): Promise<Served> {
  const { quiet = false, ...serveOptions } = options
  const served = await serve(app, serveOptions)
  if (!quiet) console.log(`Rolling on ${served.url}`)
  const stop = (signal: NodeJS.Signals) => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    if (!quiet) console.log(`\n${signal} received, stopping…`)
    served.close().then(() => process.exit(0), (error: unknown) => {
      console.error('[roll] shutdown failed:', error)
      process.exit(1)
    })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const close = served.close
  return { ...served, close: () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); return close() } }
}
