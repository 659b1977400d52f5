// pubsub: topics of websockets, delivered in this process and, through a transport, in
// every other process of the app (the workers of roll start, other machines via Redis).
import cluster from 'node:cluster'
import type { Roll } from '../app.js'
import { WebSocketConnection, type Message } from '../websocket.js'
import { clusterTransport } from './pubsub-cluster.js'

/**
 * Carries messages between the processes of an app. The hub opens it at `startup` and
 * closes it at `shutdown`. `publish` never throws and never waits: a transport that
 * cannot reach the others logs it and keeps trying on its own.
 */
export interface PubSubTransport {
  /** Starts relaying: `deliver` receives what the other processes publish, in their order. */
  open(deliver: (topic: string, data: Message) => void): void | Promise<void>
  /** Hands a message to every other process (never back to this one). */
  publish(topic: string, data: Message): void
  close(): void | Promise<void>
}

export interface PubSubOptions {
  /**
   * How messages reach the other processes. Default: through the cluster primary in a
   * worker of `roll start` (or any `node:cluster` primary that runs `relayPubSub`), else
   * none: this process only. For several machines: `redisTransport(url)` of `@roll/redis`.
   */
  transport?: PubSubTransport | null
  /** A subscriber with more than this many bytes waiting to be sent is closed with 1013. Default 1 MiB. */
  maxBufferedBytes?: number
}

export interface PublishOptions {
  /** A websocket of this process that does not get the message (usually the sender). */
  except?: WebSocketConnection
}

/** The hub of an app: see `pubsub`. */
export interface PubSub {
  /** Subscribes `ws` to `topic`; it leaves every topic by itself when it disconnects. */
  subscribe(ws: WebSocketConnection, topic: string): void
  /** Unsubscribes `ws` from `topic`, or from every topic when `topic` is omitted. */
  unsubscribe(ws: WebSocketConnection, topic?: string): void
  /**
   * Sends `data` (a `string` as text, bytes as binary) to every subscriber of `topic`, in
   * every process, at most once each; returns without waiting for any of them.
   */
  publish(topic: string, data: Message | Uint8Array, options?: PublishOptions): void
  /** How many websockets of this process are subscribed to `topic`. */
  subscribers(topic: string): number
}

const HUB = Symbol('roll.pubsub')
const [BINARY, TEXT] = [{ binary: true }, { binary: false }]
const ignore = () => {}
/** The close code for a subscriber that does not keep up (RFC 6455: Try Again Later). */
export const TOO_SLOW = 1013

function checkTopic(what: string, topic: unknown): asserts topic is string {
  if (typeof topic !== 'string') throw new TypeError(`${what}: the topic must be a string, got ${typeof topic}.`)
}

function checkSocket(what: string, ws: unknown): asserts ws is WebSocketConnection {
  if (!(ws instanceof WebSocketConnection)) throw new TypeError(`${what}: pass the websocket your handler received, got ${typeof ws}.`)
}

/**
 * The app's pub/sub hub (one per app: a second call returns the same hub). Messages are
 * delivered at most once, in publish order per publisher, and encoded once per process.
 * @example
 * const hub = pubsub(app)
 * app.route('/chat', { protocol: 'websocket' }, async (request, ws) => {
 *   hub.subscribe(ws, 'chat')
 *   for await (const message of ws) hub.publish('chat', message, { except: ws })
 * })
 */
export function pubsub(app: Roll, options: PubSubOptions = {}): PubSub {
  const existing = (app as unknown as Record<symbol, PubSub | undefined>)[HUB]
  if (existing !== undefined) {
    if (Object.keys(options).length > 0) throw new TypeError('pubsub(): this app has its hub already; pass the options to the first call only.')
    return existing
  }
  const { maxBufferedBytes = 1024 * 1024 } = options
  const transport = options.transport === undefined ? (cluster.isWorker ? clusterTransport() : null) : options.transport
  const topics = new Map<string, Set<WebSocketConnection>>()
  const joined = new Map<WebSocketConnection, Set<string>>()

  function deliver(topic: string, data: Message, except?: WebSocketConnection): void {
    const subscribers = topics.get(topic)
    if (subscribers === undefined) return
    const binary = typeof data !== 'string'
    const bytes = binary ? data : Buffer.from(data)
    const options = binary ? BINARY : TEXT
    for (const ws of subscribers) {
      if (ws === except) continue
      if (ws.bufferedAmount + bytes.length > maxBufferedBytes) {
        hub.unsubscribe(ws)
        void ws.close(TOO_SLOW, 'Too slow: more than the send buffer allows is waiting')
        continue
      }
      // A peer that is gone rejects; its disconnect unsubscribes it.
      ws.send(bytes, options).catch(ignore)
    }
  }

  const hub: PubSub = {
    subscribe(ws, topic) {
      checkSocket('subscribe()', ws)
      checkTopic('subscribe()', topic)
      if (ws.closeCode !== undefined) return
      let subscribers = topics.get(topic)
      if (subscribers === undefined) topics.set(topic, (subscribers = new Set()))
      subscribers.add(ws)
      let mine = joined.get(ws)
      if (mine === undefined) joined.set(ws, (mine = new Set()))
      mine.add(topic)
    },
    unsubscribe(ws, topic) {
      const mine = joined.get(ws)
      if (mine === undefined) return
      for (const name of topic === undefined ? mine : [topic]) {
        const subscribers = topics.get(name)
        subscribers?.delete(ws)
        if (subscribers?.size === 0) topics.delete(name)
      }
      if (topic === undefined) joined.delete(ws)
      else if (mine.delete(topic) && mine.size === 0) joined.delete(ws)
    },
    publish(topic, data, { except } = {}) {
      checkTopic('publish()', topic)
      let message: Message
      if (typeof data === 'string' || Buffer.isBuffer(data)) message = data
      else if (data instanceof Uint8Array) message = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      else throw new TypeError(`publish(): the data must be a string or bytes (Buffer, Uint8Array), got ${data === null ? 'null' : typeof data}.`)
      deliver(topic, message, except)
      transport?.publish(topic, message)
    },
    subscribers(topic) {
      return topics.get(topic)?.size ?? 0
    },
  }
  Object.defineProperty(app, HUB, { value: hub })
  app.listen('websocket_disconnect', (request, ws) => { hub.unsubscribe(ws) })
  if (transport !== null) {
    app.listen('startup', async () => { await transport.open((topic, data) => deliver(topic, data)) })
    app.listen('shutdown', async () => { await transport.close() })
  }
  return hub
}
