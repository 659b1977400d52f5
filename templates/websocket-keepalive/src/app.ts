// The app: a websocket endpoint with Roll's ping/pong keep-alive, where every message is
// published to every open socket (so a lone client gets an echo), in every process of the
// app, and a page to try it, at /. It never listens: `roll dev`, `roll start`,
// dist/server.mjs and the tests serve it.
import path from 'node:path'
import { ConnectionClosed, Roll, TimeoutError } from '@roll/framework'
import { pubsub, staticFiles, type PubSubTransport } from '@roll/framework/extensions'
import { redisTransport } from '@roll/redis'
import { favicon, home } from './home.js'

/** The keep-alive timeouts, in milliseconds. */
export interface KeepAliveOptions {
  /** Silence after which the client is pinged. Default 20 000 (Roll's guide). */
  receiveTimeout?: number
  /** Time the pong may take before the connection is closed. Default 10 000. */
  pongTimeout?: number
  /**
   * How messages reach the app's other processes. Default: the workers of `roll start`
   * relay them to each other; pass `redisTransport(url)` to reach other machines too.
   */
  transport?: PubSubTransport
}

/** Builds the app; tests pass short timeouts so they run in milliseconds. */
export function createApp({ receiveTimeout = 20_000, pongTimeout = 10_000, transport }: KeepAliveOptions = {}): Roll {
  const app = new Roll()
  // The page: public/index.html at /static/ (paths are relative to the app folder).
  const root = path.resolve('public')
  staticFiles(app, { prefix: '/static/', root, defaultIndex: 'index.html' })
  // Every page subscribes to the 'chat' topic: what one sends reaches all, whichever
  // process (worker, machine) serves them.
  const hub = pubsub(app, { transport })

  // The same page at /, the URL `npm run dev` prints, and an icon for it.
  app.route('/', home(root))
  app.route('/favicon.ico', favicon)

  app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
    hub.subscribe(ws, 'chat')
    while (true) {
      let message: string | Buffer
      try {
        message = await ws.recv({ timeout: receiveTimeout })
      } catch (error) {
        if (error instanceof ConnectionClosed) return
        if (!(error instanceof TimeoutError)) throw error
        // No message for a while: make sure the client is still there.
        try {
          await ws.ping(undefined, { timeout: pongTimeout })
          continue
        } catch (error) {
          if (error instanceof ConnectionClosed) return
          if (!(error instanceof TimeoutError)) throw error
          // No pong: the client is gone or stuck; 1011 is what the websockets library Roll uses sends.
          await ws.close(1011, 'keepalive ping timeout')
          return
        }
      }
      // Never waits for the subscribers: a page that stops reading is closed (1013), not waited for.
      hub.publish('chat', message)
    }
  })

  return app
}

function milliseconds(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got '${value}'.`)
  }
  return number
}

/**
 * The app, with timeouts from RECEIVE_TIMEOUT_MS and PONG_TIMEOUT_MS (default 20 s and
 * 10 s), and, when REDIS_URL is set (redis://host:6379), messages shared with every other
 * server of the app through Redis.
 */
export const app = createApp({
  receiveTimeout: milliseconds('RECEIVE_TIMEOUT_MS', 20_000),
  pongTimeout: milliseconds('PONG_TIMEOUT_MS', 10_000),
  transport: process.env.REDIS_URL ? redisTransport(process.env.REDIS_URL) : undefined,
})
