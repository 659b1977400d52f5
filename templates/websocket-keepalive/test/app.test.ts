// Tests with a real websocket client (the `ws` package) against a live server on a free
// port, with short keep-alive timeouts so the silences last milliseconds.
import { once } from 'node:events'
import type { PubSubTransport } from '@roll/framework/extensions'
import { createClient, createLiveClient, type LiveClient } from '@roll/framework/testing'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { type ClientOptions } from 'ws'
import { createApp, type KeepAliveOptions } from '../src/app.js'

let live: LiveClient | undefined
const sockets: WebSocket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate()
  await live?.close()
  live = undefined
})

async function serve(options: KeepAliveOptions = {}): Promise<LiveClient> {
  live = await createLiveClient(createApp(options))
  return live
}

async function connect(server: LiveClient, options: ClientOptions = {}): Promise<WebSocket> {
  const socket = new WebSocket(`${server.wsUrl}/ws`, options)
  sockets.push(socket)
  await once(socket, 'open')
  return socket
}

async function nextMessage(socket: WebSocket): Promise<string> {
  const [data] = await once(socket, 'message')
  return data.toString()
}

describe('/ws', () => {
  it('echoes a message to its sender', async () => {
    const socket = await connect(await serve())
    const reply = nextMessage(socket)
    socket.send('hello')
    expect(await reply).toBe('hello')
  })

  it('broadcasts a message to every open socket', async () => {
    const server = await serve()
    const [alice, bob] = [await connect(server), await connect(server)]
    const replies = [nextMessage(alice), nextMessage(bob)]
    alice.send('hi all')
    expect(await Promise.all(replies)).toEqual(['hi all', 'hi all'])
  })

  it('reaches the pages of another server of the app, through its transport', async () => {
    // Two servers sharing a bus, as Redis joins servers on several machines.
    const members: { deliver?: (topic: string, data: string | Buffer) => void }[] = []
    const bus = (): PubSubTransport => {
      const member: (typeof members)[number] = {}
      members.push(member)
      return {
        open(deliver) { member.deliver = deliver },
        publish(topic, data) { for (const other of members) if (other !== member) other.deliver?.(topic, data) },
        close() { member.deliver = undefined },
      }
    }
    const first = await createLiveClient(createApp({ transport: bus() }))
    const second = await createLiveClient(createApp({ transport: bus() }))
    try {
      const [alice, bob] = [await connect(first), await connect(second)]
      const replies = [nextMessage(alice), nextMessage(bob)]
      alice.send('across servers')
      expect(await Promise.all(replies)).toEqual(['across servers', 'across servers'])
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('pings a client that stays silent, and keeps it when it answers', async () => {
    const socket = await connect(await serve({ receiveTimeout: 200, pongTimeout: 1000 }))
    const started = Date.now()
    await once(socket, 'ping')
    // Not before the silence has lasted (give or take the time the handshake took).
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    // `ws` answers the ping with a pong on its own: the connection stays usable.
    const reply = nextMessage(socket)
    socket.send('still here')
    expect(await reply).toBe('still here')
  })

  it('closes the connection when the pong does not come', async () => {
    const socket = await connect(await serve({ receiveTimeout: 50, pongTimeout: 50 }), { autoPong: false })
    const [code] = await once(socket, 'close')
    expect(code).toBe(1011)
  })
})

describe('the page', () => {
  it('is served at /static/', async () => {
    const client = createClient(createApp())
    const resp = await client.get('/static/')
    expect(resp.status).toBe(200)
    expect(resp.headers['content-type']).toMatch(/^text\/html/)
    expect(resp.text).toContain('new WebSocket(')
    await client.close()
  })

  it('is the first page, at /', async () => {
    const client = createClient(createApp())
    const resp = await client.get('/')
    expect(resp.status).toBe(200)
    expect(resp.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(resp.text).toBe((await client.get('/static/')).text)
    expect(resp.text).toContain('<title>websocket-keepalive')
    expect(resp.text).toContain('<h1>websocket-keepalive</h1>')
    expect(resp.text).toContain('new WebSocket(')
    expect(resp.text).toContain('<code>src/app.ts</code>')
    expect(resp.text).toContain('<code>npm test</code>')
    expect([...resp.text.matchAll(/href="([^"]*)"/g)].map(([, href]) => href)).toEqual(['/favicon.ico', '/static/'])
    await client.close()
  })

  it('has an icon, so the browser asking for it gets no 404', async () => {
    const client = createClient(createApp())
    const resp = await client.get('/favicon.ico')
    expect(resp.status).toBe(200)
    expect(resp.headers['content-type']).toBe('image/svg+xml')
    expect(resp.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    await client.close()
  })
})
