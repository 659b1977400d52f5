// The pub/sub hub in one process: topics, except, automatic unsubscribe, order, encoding
// once, the slow subscriber closed with 1013, bad input, and a transport's part.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { Roll, WebSocketConnection, type Message } from '@roll/framework'
import { pubsub, TOO_SLOW, type PubSub, type PubSubTransport } from '@roll/framework/extensions'
import { createClient, createLiveClient, type Client, type LiveClient } from '@roll/framework/testing'
import { waitUntil } from '../../../test/helpers/wait-until.js'
import { drained } from '../../../test/helpers/websocket-peers.js'

/** How long a websocket stays quiet before nothing more is expected on it (ms). */
const PAUSE = 100

let client: Client | undefined
let live: LiveClient | undefined
const raw: WebSocket[] = []
afterEach(async () => {
  for (const socket of raw.splice(0)) socket.terminate()
  await client?.close()
  await live?.close()
  client = live = undefined
  vi.restoreAllMocks()
})

/** A chat app: a websocket joins `/chat/{room}`, is told 'joined', and what it sends goes to the others. */
function chatApp(options?: Parameters<typeof pubsub>[1]): { app: Roll; hub: PubSub } {
  const app = new Roll()
  const hub = pubsub(app, options)
  app.route('/chat/{room}', { protocol: 'websocket' }, async (request, ws, { room }) => {
    hub.subscribe(ws, room)
    await ws.send('joined')
    for await (const message of ws) hub.publish(room, message, { except: ws })
  })
  return { app, hub }
}

async function join(path: string): Promise<WebSocketConnection> {
  const ws = await client!.websocket(path)
  expect(await ws.recv()).toBe('joined')
  return ws
}

describe('pubsub', () => {
  it('delivers to every subscriber of the topic but the one excepted, once, text as text and bytes as bytes', async () => {
    const { app, hub } = chatApp()
    client = createClient(app)
    const [alice, bob, carol, other] = [await join('/chat/a'), await join('/chat/a'), await join('/chat/a'), await join('/chat/b')]
    expect(hub.subscribers('a')).toBe(3)
    await alice.send('hello')
    await bob.send(Buffer.from([1, 2, 3]))
    expect(await drained(alice, PAUSE)).toEqual([Buffer.from([1, 2, 3])])
    expect(await drained(bob, PAUSE)).toEqual(['hello'])
    expect(await drained(carol, PAUSE)).toEqual(['hello', Buffer.from([1, 2, 3])])
    expect(await drained(other, PAUSE)).toEqual([])
  })

  it('keeps each publisher\'s order', async () => {
    const { app } = chatApp()
    client = createClient(app)
    const [alice, bob] = [await join('/chat/a'), await join('/chat/a')]
    const sent = Array.from({ length: 200 }, (_, index) => `message ${index}`)
    for (const message of sent) await alice.send(message)
    const got: Message[] = []
    while (got.length < sent.length) got.push(await bob.recv({ timeout: 2_000 }))
    expect(got).toEqual(sent)
    expect(await drained(bob, PAUSE)).toEqual([])
  })

  it('unsubscribes a websocket from every topic when it disconnects, and on demand', async () => {
    const app = new Roll()
    const hub = pubsub(app)
    const sockets: WebSocketConnection[] = []
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      hub.subscribe(ws, 'news')
      hub.subscribe(ws, 'sport')
      hub.subscribe(ws, 'sport')
      sockets.push(ws)
      for await (const message of ws) if (message === 'leave sport') hub.unsubscribe(ws, 'sport')
    })
    client = createClient(app)
    const first = await client.websocket('/ws')
    const second = await client.websocket('/ws')
    await waitUntil('both subscribed', () => hub.subscribers('news') === 2)
    expect(hub.subscribers('sport')).toBe(2)
    await first.send('leave sport')
    await waitUntil('first left sport', () => hub.subscribers('sport') === 1)
    expect(hub.subscribers('news')).toBe(2)
    await second.close()
    await waitUntil('second gone', () => hub.subscribers('news') === 1)
    expect(hub.subscribers('sport')).toBe(0)
    hub.unsubscribe(sockets[0])
    expect(hub.subscribers('news')).toBe(0)
    hub.publish('news', 'nobody listens')
    expect(await drained(first, PAUSE)).toEqual([])
  })

  it('encodes a message once for all its subscribers', async () => {
    const { app, hub } = chatApp()
    client = createClient(app)
    const sockets = await Promise.all(Array.from({ length: 50 }, () => join('/chat/room')))
    const from = vi.spyOn(Buffer, 'from')
    const byteLength = vi.spyOn(Buffer, 'byteLength')
    hub.publish('room', 'é'.repeat(1000))
    const encodings = from.mock.calls.length + byteLength.mock.calls.length
    vi.restoreAllMocks()
    expect(encodings).toBe(1)
    for (const ws of sockets) expect(await ws.recv()).toBe('é'.repeat(1000))
  })

  it('closes a subscriber that stops reading with 1013, and never makes the publisher wait', async () => {
    const { app, hub } = chatApp({ maxBufferedBytes: 256 * 1024 })
    live = await createLiveClient(app)
    const url = live.url.replace('http', 'ws')
    const open = () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${url}/chat/feed`)
      raw.push(ws)
      ws.once('message', () => resolve(ws))
      ws.once('error', reject)
    })
    const [slow, fast] = [await open(), await open()]
    const closed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)))
    let received = 0
    fast.on('message', () => received++)
    slow.pause()
    const chunk = Buffer.alloc(64 * 1024, 1)
    for (let index = 0; index < 300; index++) {
      hub.publish('feed', chunk)
      // Let the fast one read as a real peer would.
      if (index % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await waitUntil('the slow one unsubscribed', () => hub.subscribers('feed') === 1)
    await waitUntil('the fast one got every message', () => received === 300)
    slow.resume()
    expect(await closed).toBe(TOO_SLOW)
  })

  it('refuses a topic that is not a string, data that is neither a string nor bytes, and what is not a websocket', async () => {
    const app = new Roll()
    const hub = pubsub(app)
    expect(() => hub.publish(42 as never, 'x')).toThrow(new TypeError('publish(): the topic must be a string, got number.'))
    expect(() => hub.publish('t', { a: 1 } as never)).toThrow(new TypeError('publish(): the data must be a string or bytes (Buffer, Uint8Array), got object.'))
    expect(() => hub.publish('t', null as never)).toThrow(/got null/)
    expect(() => hub.subscribe({} as never, 't')).toThrow(new TypeError('subscribe(): pass the websocket your handler received, got object.'))
    expect(() => hub.publish('t', new Uint8Array([1]))).not.toThrow()
  })

  it('is one per app: a second call returns the same hub, and refuses new options', () => {
    const app = new Roll()
    const hub = pubsub(app)
    expect(pubsub(app)).toBe(hub)
    expect(() => pubsub(app, { maxBufferedBytes: 1 })).toThrow(/has its hub already/)
    expect(pubsub(new Roll())).not.toBe(hub)
  })
})

describe('a transport', () => {
  function recording(): PubSubTransport & { sent: [string, Message][]; deliver?: (topic: string, data: Message) => void; closed: boolean } {
    return {
      sent: [],
      closed: false,
      open(deliver) { this.deliver = deliver },
      publish(topic, data) { this.sent.push([topic, data]) },
      close() { this.closed = true },
    }
  }

  it('is opened at startup, gets each publish once, delivers what others publish to every local subscriber, and is closed at shutdown', async () => {
    const transport = recording()
    const { app } = chatApp({ transport })
    expect(transport.deliver).toBeUndefined()
    client = createClient(app)
    const [alice, bob] = [await join('/chat/a'), await join('/chat/a')]
    expect(transport.deliver).toBeTypeOf('function')
    await alice.send('from alice')
    expect(await bob.recv()).toBe('from alice')
    expect(transport.sent).toEqual([['a', 'from alice']])
    transport.deliver!('a', 'from elsewhere')
    transport.deliver!('a', Buffer.from('bytes from elsewhere'))
    expect(await drained(alice, PAUSE)).toEqual(['from elsewhere', Buffer.from('bytes from elsewhere')])
    expect(await drained(bob, PAUSE)).toEqual(['from elsewhere', Buffer.from('bytes from elsewhere')])
    expect(transport.sent).toHaveLength(1)
    await client.close()
    client = undefined
    expect(transport.closed).toBe(true)
  })

  it('is none outside a cluster worker unless given', async () => {
    const { app, hub } = chatApp()
    const sent: unknown[] = []
    const send = process.send
    const original = send as ((...args: unknown[]) => boolean) | undefined
    process.send = ((message: unknown, ...rest: unknown[]) => (sent.push(message), original?.call(process, message, ...rest) ?? false)) as typeof process.send
    client = createClient(app)
    const alice = await join('/chat/a')
    hub.publish('a', 'local')
    expect(await alice.recv()).toBe('local')
    process.send = send
    expect(sent.filter((message) => (message as { type?: string } | undefined)?.type === 'roll:pubsub')).toEqual([])
  })
})
