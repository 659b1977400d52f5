// redisTransport: the pub/sub hub's messages between processes on any number of
// machines, through one Redis channel per app.
import { randomUUID } from 'node:crypto'
import type { Message } from '@roll/framework'
import type { PubSubTransport } from '@roll/framework/extensions'
import { connect, type Connection } from './connection.js'
import { decode, encode } from './envelope.js'
import { parseRedisUrl, withoutPassword } from './url.js'

/** Where the transport says that Redis went away (`error`) and came back (`info`): `console` by default. */
export interface TransportLogger {
  error(message: string): unknown
  info(message: string): unknown
}

export interface RedisTransportOptions {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string | undefined
  /** The Redis channel that carries the app's messages, all topics together. Default `'roll:pubsub'`. */
  channel?: string
  /** Default `console`. */
  logger?: TransportLogger
}

/** Bytes handed to Redis and not yet acknowledged, past which a publish is dropped. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024

function reason(error: unknown): string {
  // Node reports a refused connection to every address of a name as an AggregateError.
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(reason).join('; ')
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name
  return String(error)
}

/**
 * The pub/sub hub's transport across machines: every process that publishes through the
 * same Redis server and channel reaches the subscribers of all the others. While Redis is
 * away, messages reach the subscribers of their own process only; the transport says so
 * once, reconnects by itself and says when it is back.
 * @example pubsub(app, { transport: redisTransport(process.env.REDIS_URL) })
 */
export function redisTransport(options: string | undefined | RedisTransportOptions): PubSubTransport {
  const { url, channel = 'roll:pubsub', logger = console } = typeof options === 'object' && options !== null ? options : { url: options }
  const where = withoutPassword(parseRedisUrl(url))
  if (typeof channel !== 'string' || channel === '') throw new TypeError(`redisTransport(): the channel must be a non-empty string, got ${channel === '' ? 'an empty string' : typeof channel}.`)
  if (typeof logger?.error !== 'function' || typeof logger.info !== 'function') throw new TypeError('redisTransport(): `logger` must have `error` and `info` methods, as `console` does.')

  // Each process hears its own messages back from Redis: this id tells them apart.
  const id = randomUUID()
  let publisher: Connection | undefined
  let subscriber: Connection | undefined
  let deliver: (topic: string, data: Message) => void = () => {}
  let state: 'starting' | 'up' | 'down' | 'closed' = 'starting'
  let wasUp = false
  let subscribed = false
  let subscribing = false
  let pendingBytes = 0
  let backlogged = false
  let settle = () => {}
  const settled = new Promise<void>((resolve) => { settle = resolve })

  const receive = (wire: Buffer) => {
    const envelope = decode(wire)
    if (envelope !== undefined && envelope.from !== id && state !== 'closed') deliver(envelope.topic, envelope.data)
  }

  function failed(error: Error): void {
    if (state === 'down' || state === 'closed') return
    if (publisher?.client.isReady && subscriber?.client.isReady) return void logger.error(`[roll] pubsub: Redis at ${where}: ${reason(error)}`)
    const what = state === 'starting' ? `cannot reach Redis at ${where}` : `lost the connection to Redis at ${where}`
    logger.error(`[roll] pubsub: ${what} (${reason(error)}). Until it is back, messages reach the subscribers of this process only; reconnecting in the background.`)
    state = 'down'
    settle()
  }

  function ready(): void {
    if (state === 'closed' || !subscribed || !publisher?.client.isReady || !subscriber?.client.isReady) return
    if (state === 'down') logger.info(wasUp ? `[roll] pubsub: Redis is back at ${where}: messages reach the other processes again.` : `[roll] pubsub: connected to Redis at ${where} after all: messages reach the other processes now.`)
    state = 'up'
    wasUp = true
    settle()
  }

  // Once subscribed, node-redis subscribes again by itself on every new connection.
  function subscribe(): void {
    if (subscribed || subscribing) return
    subscribing = true
    subscriber!.client.subscribe(channel, receive, true).then(
      () => { subscribed = true; subscribing = false; ready() },
      () => { subscribing = false }, // the connection failed: 'failed' says so, the next 'ready' subscribes
    )
  }

  return {
    async open(receiver) {
      deliver = receiver
      publisher = connect(url!, { ready, failed })
      subscriber = connect(url!, { ready() { subscribe(); ready() }, failed })
      // Connected, or the first failure logged: the app starts either way.
      await settled
    },
    publish(topic, data) {
      // Dropped while Redis is away: at most once, and nothing piles up.
      if (publisher?.client.isReady !== true) return
      const wire = encode({ from: id, topic, data })
      if (pendingBytes + wire.length > MAX_PENDING_BYTES) {
        if (!backlogged) logger.error(`[roll] pubsub: Redis at ${where} takes messages slower than this process publishes them; until it catches up, new ones reach the subscribers of this process only.`)
        backlogged = true
        return
      }
      pendingBytes += wire.length
      const done = () => {
        pendingBytes -= wire.length
        if (pendingBytes === 0) backlogged = false
      }
      publisher.client.publish(channel, wire).then(done, done)
    },
    async close() {
      if (state === 'closed') return
      state = 'closed'
      settle()
      await Promise.all([publisher?.close(), subscriber?.close()])
    },
  }
}
