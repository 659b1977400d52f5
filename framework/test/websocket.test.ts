import { request as httpRequest } from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { WebSocket, type ClientOptions } from 'ws'
import { ConnectionClosed, HttpError, Roll, TimeoutError, WebSocketConnection, type WebSocketHandler } from '@roll/framework'
import { websocketsStore } from '@roll/framework/extensions'
import { createClient, createLiveClient, UpgradeRefused, type Client, type LiveClient } from '@roll/framework/testing'
import { UPGRADE, upgradeRequest } from './_upgrade.js'

let live: LiveClient | undefined
let inProcess: Client | undefined
afterEach(async () => {
  await live?.close()
  await inProcess?.close()
  live = inProcess = undefined
  vi.restoreAllMocks()
})

async function serveApp(app: Roll): Promise<LiveClient> {
  live = await createLiveClient(app)
  return live
}

// What each client received, from the start: a message may come in the same packet as the handshake.
const inboxes = new WeakMap<WebSocket, { messages: Array<string | Buffer>; pings: string[]; notify?: () => void }>()

function openSocket(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<WebSocket> {
  const { protocols, ...rest } = options
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, rest)
    const inbox: { messages: Array<string | Buffer>; pings: string[]; notify?: () => void } = { messages: [], pings: [] }
    inboxes.set(ws, inbox)
    ws.on('message', (data: Buffer, isBinary) => { inbox.messages.push(isBinary ? data : data.toString()); inbox.notify?.() })
    ws.on('ping', (data: Buffer) => inbox.pings.push(data.toString()))
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function nextMessage(ws: WebSocket): Promise<string | Buffer> {
  const inbox = inboxes.get(ws)!
  return new Promise((resolve) => {
    const check = () => {
      if (inbox.messages.length === 0) return
      inbox.notify = undefined
      resolve(inbox.messages.shift()!)
    }
    inbox.notify = check
    check()
  })
}

const pingsOf = (ws: WebSocket) => inboxes.get(ws)!.pings

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
}

/** Resolves with whatever a promise-returning check gives once it stops throwing. */
async function eventually<T>(check: () => T, timeout = 2000): Promise<T> {
  const start = Date.now()
  for (;;) {
    try {
      return check()
    } catch (error) {
      if (Date.now() - start > timeout) throw error
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}


/** A TCP client that completes the handshake and then writes raw frames. */
async function rawWebSocket(port: number, path: string) {
  const socket = connect(port, '127.0.0.1')
  let data = Buffer.alloc(0)
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])))
  socket.on('error', () => {})
  socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n${Object.entries(UPGRADE).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`)
  await eventually(() => expect(data.toString('latin1')).toContain('\r\n\r\n'))
  expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /)
  const frames = () => data.subarray(data.indexOf('\r\n\r\n') + 4)
  return {
    socket, closed, frames,
    /** The code of the close frame the server sent. */
    closeCode: () => eventually(() => {
      const frame = frames()
      expect(frame[0]).toBe(0x88)
      return frame.readUInt16BE(2)
    }),
  }
}

/** A client frame: FIN, `opcode`, masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, masked = true): Buffer {
  if (!masked) return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload])
  const mask = Buffer.from([1, 2, 3, 4])
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, payload.map((byte, i) => byte ^ mask[i % 4])])
}

const echo: WebSocketHandler = async (request, ws) => {
  for await (const message of ws) await ws.send(message)
}

// Roll's "How to work with Websockets pings and pongs", with short timeouts.
function keepMeAlive(messageTimeout: number, pongTimeout: number): WebSocketHandler {
  return async (request, ws) => {
    for (;;) {
      let message: string | Buffer
      try {
        message = await ws.recv({ timeout: messageTimeout })
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error
        // No data in `messageTimeout`, check the connection.
        try {
          await ws.ping(undefined, { timeout: pongTimeout })
          continue
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error
          // No response to ping in `pongTimeout`, disconnect.
          break
        }
      }
      await ws.send(`got ${message}`)
    }
  }
}

describe('websocket routes', () => {
  it('echoes text messages with for await, and closes with 1000 when the handler returns', async () => {
    const app = new Roll()
    app.route('/echo', { protocol: 'websocket' }, echo)
    app.route('/bye', { protocol: 'websocket' }, async (request, ws) => { await ws.send('bye') })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/echo`)
    for (const text of ['This', 'is', 'a', 'simple', 'test']) {
      const reply = nextMessage(ws)
      ws.send(text)
      expect(await reply).toBe(text)
    }
    ws.close()
    const bye = await openSocket(`${wsUrl}/bye`)
    const [message, close] = await Promise.all([nextMessage(bye), closeOf(bye)])
    expect(message).toBe('bye')
    expect(close).toEqual({ code: 1000, reason: '' })
  })

  it('accepts a handshake whose Connection header also says keep-alive', async () => {
    const app = new Roll()
    const handler = vi.fn()
    app.route('/ws', { protocol: 'websocket' }, handler)
    const { port } = await serveApp(app)
    expect((await upgradeRequest(port, '/ws')).status).toBe(101)
    expect((await upgradeRequest(port, '/ws', { Connection: 'keep-alive, Upgrade' })).status).toBe(101)
    await eventually(() => expect(handler).toHaveBeenCalledTimes(2))
  })

  it('types the handler: the socket is a WebSocketConnection, params come from the path', () => {
    const app = new Roll()
    app.route('/rooms/{room}/{user:alpha}', { protocol: 'websocket' }, (request, ws, params) => {
      expectTypeOf(ws).toEqualTypeOf<WebSocketConnection>()
      expectTypeOf(params).toEqualTypeOf<{ room: string; user: string }>()
    })
    app.route('/curried/{id}', { protocol: 'websocket' })(async (request, ws, { id }) => {
      expectTypeOf(id).toBeString()
      expectTypeOf(ws.recv).returns.resolves.toEqualTypeOf<string | Buffer>()
    })
  })

  it('gives binary messages as Buffers and sends Buffers as binary', async () => {
    const app = new Roll()
    const received: unknown[] = []
    app.route('/bin', { protocol: 'websocket' }, async (request, ws) => {
      received.push(await ws.recv())
      await ws.send(Buffer.from('test'))
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/bin`)
    const reply = nextMessage(ws)
    ws.send(Buffer.from([0, 1, 2]))
    expect(await reply).toEqual(Buffer.from('test'))
    expect(received).toEqual([Buffer.from([0, 1, 2])])
  })

  it('passes the path placeholders and the request to the handler', async () => {
    const app = new Roll()
    app.route('/rooms/{room}', { protocol: 'websocket' }, async (request, ws, { room }) => {
      await ws.send(`${room} ${request.query.get('user')} ${request.headers['X-TOKEN']}`)
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/rooms/lobby?user=ada`, { headers: { 'X-Token': 'secret' } })
    expect(await nextMessage(ws)).toBe('lobby ada secret')
  })

  it('broadcasts to several clients through websocketsStore', async () => {
    const app = new Roll()
    websocketsStore(app)
    app.route('/broadcast', { protocol: 'websocket' }, async (request, ws) => {
      const sockets = request.app.get('websockets') as Set<WebSocketConnection>
      for await (const message of ws) {
        await Promise.all([...sockets].filter((socket) => socket !== ws).map((socket) => socket.send(message)))
      }
    })
    const { wsUrl } = await serveApp(app)
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => openSocket(`${wsUrl}/broadcast`)))
    await eventually(() => expect((app.get('websockets') as Set<unknown>).size).toBe(5))
    for (const [index, sender] of clients.entries()) {
      const others = clients.filter((client) => client !== sender)
      const replies = others.map(nextMessage)
      sender.send(`this is a broadcast from ${index}`)
      expect(await Promise.all(replies)).toEqual(others.map(() => `this is a broadcast from ${index}`))
    }
    for (const client of clients) client.close()
    await eventually(() => expect((app.get('websockets') as Set<unknown>).size).toBe(0))
  })

  it('negotiates a subprotocol in the client order, and accepts without one when none matches', async () => {
    const app = new Roll()
    const seen: Array<string | null> = []
    app.route('/ws', { protocol: 'websocket', subprotocols: ['foo', 'bar'] }, (request, ws) => { seen.push(ws.subprotocol) })
    const { wsUrl, port } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`, { protocols: ['bar', 'foo'] })
    expect(ws.protocol).toBe('bar')
    const bar = await upgradeRequest(port, '/ws', { 'Sec-WebSocket-Protocol': 'bar' })
    expect([bar.status, bar.headers['sec-websocket-protocol']]).toEqual([101, 'bar'])
    const baz = await upgradeRequest(port, '/ws', { 'Sec-WebSocket-Protocol': 'baz' })
    expect([baz.status, baz.headers['sec-websocket-protocol']]).toEqual([101, undefined])
    const none = await upgradeRequest(port, '/ws')
    expect(none.status).toBe(101)
    await eventually(() => expect(seen).toEqual(['bar', 'bar', null, null]))
  })

  it('fires websocket_connect and websocket_disconnect with the request and the socket', async () => {
    const app = new Roll()
    const events: string[] = []
    let connected: WebSocketConnection | undefined
    app.listen('websocket_connect', (request, ws) => { events.push(`connect ${request.path}`); connected = ws })
    app.listen('websocket_disconnect', (request, ws) => { events.push(`disconnect ${ws === connected}`) })
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      events.push('handler')
      await ws.recv()
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`)
    ws.send('hi')
    await closeOf(ws)
    await eventually(() => expect(events).toEqual(['connect /ws', 'handler', 'disconnect true']))
  })

  it('lets ws.close() choose the code and reason', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, (request, ws) => ws.close(4000, 'custom'))
    const { wsUrl } = await serveApp(app)
    expect(await closeOf(await openSocket(`${wsUrl}/ws`))).toEqual({ code: 4000, reason: 'custom' })
  })

  it('rejects recv with ConnectionClosed, carrying the code and reason, once the peer closed', async () => {
    const app = new Roll()
    let error: unknown
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      await ws.send('ready')
      error = await ws.recv().catch((reason: unknown) => reason)
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`)
    await nextMessage(ws)
    ws.close(1000, 'bye')
    await eventually(() => expect(error).toBeInstanceOf(ConnectionClosed))
    expect(error).toMatchObject({ code: 1000, reason: 'bye' })
  })

  it('rejects recv with TimeoutError after `timeout` ms, and keeps a message that comes later', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      const error = await ws.recv({ timeout: 30 }).catch((reason: Error) => reason)
      await ws.send(`${(error as Error).name}: ${(error as Error).message}`)
      await ws.send(`then ${await ws.recv()}`)
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`)
    expect(await nextMessage(ws)).toBe('TimeoutError: recv() timed out after 30 ms')
    const reply = nextMessage(ws)
    ws.send('late')
    expect(await reply).toBe('then late')
  })

  it('resolves ping() with the round-trip time when the matching pong arrives', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      const rtt = await ws.ping('hello', { timeout: 1000 })
      await ws.send(`pong after ${typeof rtt}`)
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`)
    expect(await nextMessage(ws)).toBe('pong after number')
    expect(pingsOf(ws)).toEqual(['hello'])
  })

  it('rejects ping() with TimeoutError when no pong comes', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      const error = await ws.ping(undefined, { timeout: 50 }).catch((reason: Error) => reason)
      await ws.send(String(error instanceof TimeoutError))
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`, { autoPong: false })
    expect(await nextMessage(ws)).toBe('true')
  })
})

describe('WebSocketConnection misuse and edge cases', () => {
  it('rejects send and ping with ConnectionClosed once closed, and throws RangeError on a bad timeout', async () => {
    const app = new Roll()
    const outcomes: string[] = []
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      expect(() => ws.recv({ timeout: -1 })).toThrow(RangeError)
      await expect(ws.ping(undefined, { timeout: Number.NaN })).rejects.toThrow(RangeError)
      await ws.close(4001, 'done')
      for (const attempt of [ws.send('late'), ws.ping(), ws.recv()]) {
        const error = await attempt.then(() => null, (reason: unknown) => reason)
        outcomes.push(error instanceof ConnectionClosed ? `${error.code} ${error.reason}` : String(error))
      }
      await ws.close()
    })
    const { wsUrl } = await serveApp(app)
    await closeOf(await openSocket(`${wsUrl}/ws`))
    await eventually(() => expect(outcomes).toEqual(['4001 done', '4001 done', '4001 done']))
  })

  it('sends the headers a headers listener set with the 101 response', async () => {
    const app = new Roll()
    app.listen('headers', (request, response) => { response.cookies.set('session', 'abc'); response.headers['X-Room'] = 'lobby' })
    app.route('/ws', { protocol: 'websocket' }, () => {})
    const answer = await upgradeRequest((await serveApp(app)).port, '/ws')
    expect(answer.status).toBe(101)
    expect(answer.headers['x-room']).toBe('lobby')
    expect(answer.headers['set-cookie']).toEqual(['session=abc; Path=/'])
  })

  it('never lets a header value smuggle a line into the 101 response', async () => {
    const app = new Roll()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    app.listen('headers', (request, response) => { response.headers['X-Echo'] = `${request.query.get('v', '')}` })
    app.route('/ws', { protocol: 'websocket' }, () => {})
    const { port } = await serveApp(app)
    const answer = await upgradeRequest(port, '/ws?v=a%0d%0aX-Injected:%201')
    expect([answer.status, answer.body, answer.headers['x-injected']]).toEqual([500, 'Internal Server Error', undefined])
  })
})

describe("Roll's keep-alive pattern (recv timeout, then ping, then close)", () => {
  it('closes the connection of a client that stops answering pings', async () => {
    const app = new Roll()
    app.route('/keepalive', { protocol: 'websocket' }, keepMeAlive(100, 100))
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/keepalive`, { autoPong: false })
    const reply = nextMessage(ws)
    ws.send('hello')
    expect(await reply).toBe('got hello')
    const start = Date.now()
    expect(await closeOf(ws)).toEqual({ code: 1000, reason: '' })
    expect(pingsOf(ws)).toHaveLength(1)
    expect(Date.now() - start).toBeGreaterThanOrEqual(150)
  })

  it('keeps a client that answers pings connected', async () => {
    const app = new Roll()
    app.route('/keepalive', { protocol: 'websocket' }, keepMeAlive(50, 2_000))
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/keepalive`)
    await eventually(() => expect(pingsOf(ws).length).toBeGreaterThanOrEqual(4))
    expect(ws.readyState).toBe(WebSocket.OPEN)
    const reply = nextMessage(ws)
    ws.send('still here')
    expect(await reply).toBe('got still here')
  })
})

describe('websocket failures', () => {
  it('closes with 1011 "Handler died prematurely." when the handler throws, and the error reaches the error event', async () => {
    const app = new Roll()
    const errors: HttpError[] = []
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    app.listen('error', (request, response, error) => { errors.push(error) })
    app.route('/failure', { protocol: 'websocket' }, () => { throw new Error('OUCH') })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/failure`)
    expect(await closeOf(ws)).toEqual({ code: 1011, reason: 'Handler died prematurely.' })
    await eventually(() => expect(errors).toHaveLength(1))
    expect(errors[0].status).toBe(500)
    expect((errors[0].cause as Error).message).toBe('OUCH')
    expect(log).toHaveBeenCalledWith(expect.stringContaining('OUCH'))
  })

  it('lets a client that keeps sending after the handler died still close in time, with 1011', async () => {
    const app = new Roll()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    app.route('/failure', { protocol: 'websocket' }, () => { throw new Error('OUCH') })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/failure`)
    const closed = closeOf(ws)
    ws.send('first')
    ws.close()
    expect(await closed).toEqual({ code: 1011, reason: 'Handler died prematurely.' })
  })

  it('answers 426 to a plain GET on a websocket route, Connection: upgrade alone included', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    const client = await serveApp(app)
    const plain = await client.get('/ws')
    expect([plain.status, plain.text, plain.headers['upgrade']]).toEqual([426, 'Upgrade Required', 'websocket'])
    expect((await client.get('/ws', { headers: { Connection: 'upgrade' } })).status).toBe(426)
  })

  it('answers 501 to an upgrade to another protocol, or to a route that is not a websocket', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    app.route('/http', (request, response) => { response.body = 'http' })
    const { port } = await serveApp(app)
    expect(await upgradeRequest(port, '/ws', { Upgrade: 'h2c' })).toMatchObject({ status: 501, body: 'Request cannot be upgraded.' })
    expect(await upgradeRequest(port, '/http')).toMatchObject({ status: 501, body: 'Request cannot be upgraded.' })
  })

  it('answers 405 to an upgrade that is not a GET', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    const { port } = await serveApp(app)
    const answer = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/ws', method: 'POST', headers: UPGRADE })
      request.on('upgrade', (response, socket: Socket) => { socket.destroy(); resolve(response.statusCode!) })
      request.on('response', (response) => { response.resume(); resolve(response.statusCode!) })
      request.on('error', reject)
      request.end()
    })
    expect(answer).toBe(405)
  })

  it('answers 404 to an upgrade to an unknown path', async () => {
    const app = new Roll()
    const { port } = await serveApp(app)
    expect(await upgradeRequest(port, '/nowhere')).toMatchObject({ status: 404, body: '/nowhere' })
  })

  it('answers 400 to a bad Sec-WebSocket-Key, and 426 naming version 13 to another version', async () => {
    const app = new Roll()
    const handler = vi.fn()
    app.route('/ws', { protocol: 'websocket' }, handler)
    const { port } = await serveApp(app)
    expect(await upgradeRequest(port, '/ws', { 'Sec-WebSocket-Key': 'not base64!' })).toMatchObject({ status: 400, body: 'Invalid Sec-WebSocket-Key header' })
    expect(await upgradeRequest(port, '/ws', { 'Sec-WebSocket-Key': 'c2hvcnQ=' })).toMatchObject({ status: 400 })
    const old = await upgradeRequest(port, '/ws', { 'Sec-WebSocket-Version': '8' })
    expect([old.status, old.headers['sec-websocket-version']]).toEqual([426, '13'])
    expect(handler).not.toHaveBeenCalled()
  })

  it('lets a headers listener refuse the upgrade (401) before any handshake', async () => {
    const app = new Roll()
    const handler = vi.fn()
    const connected = vi.fn()
    app.listen('websocket_connect', connected)
    app.listen('headers', (request, response) => {
      if (request.query.get('token', '') === 'secret') return
      response.status = 401
      response.body = 'Who are you?'
      return true
    })
    app.listen('response', (request, response) => { response.headers['X-Seen'] = 'yes' })
    app.route('/ws', { protocol: 'websocket' }, handler)
    const { port, wsUrl } = await serveApp(app)
    expect(await upgradeRequest(port, '/ws')).toMatchObject({ status: 401, body: 'Who are you?', headers: { 'x-seen': 'yes' } })
    await expect(openSocket(`${wsUrl}/ws`)).rejects.toThrow('401')
    expect(handler).not.toHaveBeenCalled()
    expect(connected).not.toHaveBeenCalled()
    await openSocket(`${wsUrl}/ws?token=secret`)
    await eventually(() => expect(handler).toHaveBeenCalledOnce())
  })

  it('closes with 1009 when a message is over maxMessageSize (default 1 MiB)', async () => {
    expect(new Roll().maxMessageSize).toBe(1024 * 1024)
    expect(() => new Roll({ maxMessageSize: -1 })).toThrow(RangeError)
    const app = new Roll({ maxMessageSize: 16 })
    app.route('/echo', { protocol: 'websocket' }, echo)
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/echo`)
    const reply = nextMessage(ws)
    ws.send('x'.repeat(16))
    expect(await reply).toBe('x'.repeat(16))
    const closed = closeOf(ws)
    ws.send('x'.repeat(17))
    expect((await closed).code).toBe(1009)
  })

  it('closes with 1007 on invalid UTF-8 in a text frame', async () => {
    const app = new Roll()
    app.route('/echo', { protocol: 'websocket' }, echo)
    const raw = await rawWebSocket((await serveApp(app)).port, '/echo')
    raw.socket.write(frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])))
    expect(await raw.closeCode()).toBe(1007)
  })

  it('closes with 1002 on an unmasked client frame or an unknown opcode', async () => {
    const app = new Roll()
    app.route('/echo', { protocol: 'websocket' }, echo)
    const { port } = await serveApp(app)
    const unmasked = await rawWebSocket(port, '/echo')
    unmasked.socket.write(frame(0x1, Buffer.from('hi'), false))
    expect(await unmasked.closeCode()).toBe(1002)
    const unknown = await rawWebSocket(port, '/echo')
    unknown.socket.write(frame(0x3, Buffer.from('hi')))
    expect(await unknown.closeCode()).toBe(1002)
  })

  it('ends the for await and fires websocket_disconnect promptly when the peer vanishes', async () => {
    const app = new Roll()
    const ended = vi.fn()
    const disconnected = vi.fn()
    app.listen('websocket_disconnect', disconnected)
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      for await (const message of ws) void message
      ended(ws.closeCode)
    })
    const { wsUrl } = await serveApp(app)
    const ws = await openSocket(`${wsUrl}/ws`)
    const start = Date.now()
    ws.terminate()
    await eventually(() => expect(disconnected).toHaveBeenCalledOnce())
    expect(ended).toHaveBeenCalledWith(1006)
    expect(Date.now() - start).toBeLessThan(1000)
  })

  it('drops a peer that does not answer the closing handshake within 5 s', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, () => {})
    const raw = await rawWebSocket((await serveApp(app)).port, '/ws')
    const start = Date.now()
    expect(await raw.closeCode()).toBe(1000)
    await raw.closed
    expect(Date.now() - start).toBeGreaterThan(4500)
    expect(Date.now() - start).toBeLessThan(7000)
  }, 10_000)

  it('closes open websockets with 1001 when the server closes, before shutdown', async () => {
    const app = new Roll()
    const events: string[] = []
    app.listen('websocket_disconnect', () => { events.push('disconnect') })
    app.listen('shutdown', () => { events.push('shutdown') })
    app.route('/echo', { protocol: 'websocket' }, echo)
    const client = await serveApp(app)
    const ws = await openSocket(`${client.wsUrl}/echo`)
    const closed = closeOf(ws)
    await client.close()
    live = undefined
    expect(await closed).toEqual({ code: 1001, reason: 'Server shutting down.' })
    expect(events).toEqual(['disconnect', 'shutdown'])
  })
})

describe('server close with a stuck handler', () => {
  it('still stops, 5 s after the sockets are closed', async () => {
    const app = new Roll()
    app.route('/stuck', { protocol: 'websocket' }, () => new Promise<void>(() => {}))
    const client = await serveApp(app)
    live = undefined
    const ws = await openSocket(`${client.wsUrl}/stuck`)
    const closed = closeOf(ws)
    const start = Date.now()
    await client.close()
    expect((await closed).code).toBe(1001)
    expect(Date.now() - start).toBeGreaterThan(4500)
    expect(Date.now() - start).toBeLessThan(8000)
  }, 15_000)
})

describe('client.websocket (in-process, no socket)', () => {
  it('talks to a handler and sees it close with 1000', async () => {
    const app = new Roll()
    app.route('/echo/{name}', { protocol: 'websocket' }, async (request, ws, { name }) => {
      await ws.send(`hello ${name}`)
      await ws.send(await ws.recv())
    })
    inProcess = createClient(app)
    const ws = await inProcess.websocket('/echo/ada')
    expect(await ws.recv()).toBe('hello ada')
    await ws.send(Buffer.from('bytes'))
    const messages: unknown[] = []
    for await (const message of ws) messages.push(message)
    expect(messages).toEqual([Buffer.from('bytes')])
    expect(ws.closeCode).toBe(1000)
    await expect(ws.recv()).rejects.toBeInstanceOf(ConnectionClosed)
  })

  it('sends headers, negotiates subprotocols, and sees 1011 when the handler throws', async () => {
    const app = new Roll()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    app.route('/ws', { protocol: 'websocket', subprotocols: ['v1', 'v2'] }, async (request, ws) => {
      await ws.send(`${request.headers['AUTHORIZATION']} ${ws.subprotocol}`)
      throw new Error('OUCH')
    })
    inProcess = createClient(app)
    const ws = await inProcess.websocket('/ws', { headers: { Authorization: 'Bearer x' }, subprotocols: ['v3', 'v2'] })
    expect(ws.subprotocol).toBe('v2')
    expect(await ws.recv()).toBe('Bearer x v2')
    await expect(ws.recv()).rejects.toMatchObject({ code: 1011, reason: 'Handler died prematurely.' })
    const plain = await inProcess.websocket('/ws', { subprotocols: ['v9'] })
    expect(plain.subprotocol).toBeNull()
  })

  it('rejects with UpgradeRefused when the server answers without upgrading', async () => {
    const app = new Roll()
    app.route('/http', (request, response) => { response.body = 'http' })
    inProcess = createClient(app)
    const refused = await inProcess.websocket('/nowhere').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(UpgradeRefused)
    expect(refused).toMatchObject({ status: 404, text: '/nowhere' })
    await expect(inProcess.websocket('/http')).rejects.toMatchObject({ status: 501 })
  })

  it('closes open websockets with 1001 on close(), then fires shutdown', async () => {
    const app = new Roll()
    const events: string[] = []
    app.listen('websocket_disconnect', () => { events.push('disconnect') })
    app.listen('shutdown', () => { events.push('shutdown') })
    app.route('/echo', { protocol: 'websocket' }, echo)
    const client = createClient(app)
    const ws = await client.websocket('/echo')
    await client.close()
    expect(ws.closeCode).toBe(1001)
    expect(events).toEqual(['disconnect', 'shutdown'])
  })

  it('works the same through the live client', async () => {
    const app = new Roll()
    app.route('/echo', { protocol: 'websocket' }, echo)
    const client = await serveApp(app)
    const ws = await client.websocket('/echo')
    await ws.send('over a socket')
    expect(await ws.recv()).toBe('over a socket')
    await ws.close()
    expect(ws.closeCode).toBe(1000)
  })
})
