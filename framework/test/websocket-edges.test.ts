// WebSocketConnection's edges, found by mutation testing: the receive queue that stops
// reading the socket at 64 unread messages and reads again below 32, pongs matched to
// their pings, the refusals word for word, and 503 once the server is shutting down.
import { connect } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { Roll, serve, TimeoutError, type WebSocketConnection, type WebSocketHandler } from '@roll/framework'
import { createClient, createLiveClient, UpgradeRefused, type Client, type LiveClient } from '@roll/framework/testing'
import { waitUntil } from '../../test/helpers/wait-until.js'
import { KEY, UPGRADE, upgradeRequest } from './_upgrade.js'

let live: LiveClient | undefined
let inProcess: Client | undefined
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate()
  await live?.close()
  await inProcess?.close()
  live = inProcess = undefined
  vi.restoreAllMocks()
})

/** Opens a websocket; `onPing` sees every ping, those that come with the handshake included. */
function open(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}, onPing?: (ws: WebSocket, data: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options)
    sockets.push(ws)
    if (onPing !== undefined) ws.on('ping', (data: Buffer) => onPing(ws, data))
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

// The close timeout of websocket.ts: a peer that does not answer a close frame is dropped after it.
const CLOSE_TIMEOUT = 5000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** 'pong' when the peer's pong is read within `timeout` ms, 'no pong' when it is not. */
async function pinged(ws: WebSocketConnection, timeout: number): Promise<'pong' | 'no pong'> {
  try {
    await ws.ping(undefined, { timeout })
    return 'pong'
  } catch (error) {
    if (error instanceof TimeoutError) return 'no pong'
    throw error
  }
}


const echo: WebSocketHandler = async (request, ws) => {
  for await (const message of ws) await ws.send(message)
}

describe('the receive queue', () => {
  it('stops reading the socket at 64 unread messages, and reads again once fewer than 32 are left', async () => {
    const app = new Roll()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const steps: string[] = []
    app.route('/queue', { protocol: 'websocket' }, async (request, ws) => {
      await held
      // While the socket is not read, the pong to a ping is not read either.
      let state: string = 'never paused'
      for (let attempt = 0; attempt < 20; attempt++) {
        if ((await pinged(ws, 1000)) === 'no pong') { state = 'paused'; break }
        await sleep(50)
      }
      steps.push(state)
      if (state !== 'paused') return
      const messages: unknown[] = []
      for (let i = 0; i < 32; i++) messages.push(await ws.recv({ timeout: 5000 }))
      steps.push(`32 left: ${await pinged(ws, 500)}`)
      messages.push(await ws.recv({ timeout: 5000 }))
      steps.push(`31 left: ${await pinged(ws, 10_000)}`)
      for (let i = 0; i < 31 + 10; i++) messages.push(await ws.recv({ timeout: 10_000 }))
      steps.push(messages.join(' '))
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/queue`)
    for (let i = 0; i < 64; i++) ws.send(`m${i}`)
    await waitUntil('the messages to be sent', () => ws.bufferedAmount === 0)
    await sleep(300)
    release()
    await waitUntil('the handler to see the socket paused', () => steps.length > 0, 30_000)
    expect(steps[0]).toBe('paused')
    // Sent while the server does not read: they come once it reads again.
    for (let i = 64; i < 74; i++) ws.send(`m${i}`)
    await waitUntil('the handler to read all the messages', () => steps.length === 4, 30_000)
    expect(steps).toEqual(['paused', '32 left: no pong', '31 left: pong', Array.from({ length: 74 }, (_, i) => `m${i}`).join(' ')])
  }, 40_000)

  it('close() reads again a socket paused by a full queue, so the peer\'s close frame gets through', async () => {
    const app = new Roll()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const steps: string[] = []
    app.route('/queue', { protocol: 'websocket' }, async (request, ws) => {
      await held
      let state = 'never paused'
      for (let attempt = 0; attempt < 20; attempt++) {
        if ((await pinged(ws, 1000)) === 'no pong') { state = 'paused'; break }
        await sleep(50)
      }
      steps.push(state)
      const start = Date.now()
      await ws.close(4000, 'enough')
      // Not read, the peer's answer would wait for the close timeout to drop the socket.
      steps.push(`closed with ${ws.closeCode} ${Date.now() - start < CLOSE_TIMEOUT - 1000 ? 'before' : 'after'} the close timeout`)
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/queue`)
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    for (let i = 0; i < 64; i++) ws.send(`m${i}`)
    await waitUntil('the messages to be sent', () => ws.bufferedAmount === 0)
    await sleep(300)
    release()
    expect(await closed).toBe(4000)
    // The peer answered the close frame: its code, not 1006 after 5 s without an answer.
    await waitUntil('the handler to be done', () => steps.length === 2, 15_000)
    expect(steps).toEqual(['paused', 'closed with 4000 before the close timeout'])
  }, 30_000)
})

describe('close() with more messages behind a full queue', () => {
  it('keeps reading once it closes, so the close frame behind large messages gets through', async () => {
    const app = new Roll({ maxMessageSize: 8 * 1024 * 1024 })
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const steps: string[] = []
    app.route('/queue', { protocol: 'websocket' }, async (request, ws) => {
      await held
      const start = Date.now()
      await ws.close(4000, 'enough')
      steps.push(`closed with ${ws.closeCode} ${Date.now() - start < CLOSE_TIMEOUT - 1000 ? 'before' : 'after'} the close timeout`)
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/queue`)
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    for (let i = 0; i < 64; i++) ws.send(`m${i}`)
    const big = Buffer.alloc(4 * 1024 * 1024, 120)
    for (let i = 0; i < 8; i++) ws.send(big)
    await sleep(300)
    release()
    expect(await closed).toBe(4000)
    await waitUntil('the handler to be done', () => steps.length === 1, 15_000)
    expect(steps).toEqual(['closed with 4000 before the close timeout'])
  }, 30_000)
})

describe('ping() and pongs', () => {
  it('resolves a ping with its own pong and those sent before it, never with an unknown pong', async () => {
    const app = new Roll()
    const outcomes: string[] = []
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      const start = performance.now()
      const one = ws.ping('one', { timeout: 10_000 })
      const two = ws.ping('two', { timeout: 10_000 })
      const three = ws.ping('three', { timeout: 1000 }).then(() => 'pong', (error: Error) => error.name)
      outcomes.push(await ws.ping('one').then(() => 'resolved', (error: Error) => `${error.constructor.name}: ${error.message}`))
      const rtt = await one
      const elapsed = performance.now() - start
      outcomes.push(`one: ${rtt >= 0 && rtt <= elapsed}`)
      outcomes.push(`two: ${(await two) >= 0}`)
      outcomes.push(`three: ${await three}`)
      // Answered or given up on, a ping's data can be sent again.
      const again = (data: string) => ws.ping(data, { timeout: 10_000 }).then(() => 'pong', (error: Error) => error.message)
      outcomes.push(`three again: ${await again('three')}`, `one again: ${await again('one')}`)
    })
    live = await createLiveClient(app)
    const pings: string[] = []
    await open(`${live.wsUrl}/ws`, { autoPong: false }, (ws, data) => {
      pings.push(data.toString())
      if (pings.length === 3) {
        ws.pong('unknown')
        ws.pong('two')
      } else if (pings.length > 3) ws.pong(data)
    })
    await waitUntil('the outcomes', () => outcomes.length === 6, 15_000)
    expect(pings).toEqual(['one', 'two', 'three', 'three', 'one'])
    expect(outcomes).toEqual([
      'Error: ping(): a ping with the same data is already waiting for its pong; send other data.',
      'one: true',
      'two: true',
      'three: TimeoutError',
      'three again: pong',
      'one again: pong',
    ])
  })

  it('sends 4 random bytes when given no data', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      await ws.ping(undefined, { timeout: 5000 })
      await ws.ping(undefined, { timeout: 5000 })
    })
    live = await createLiveClient(app)
    const pings: Buffer[] = []
    const ws = await open(`${live.wsUrl}/ws`, {}, (_, data) => pings.push(data))
    await new Promise((resolve) => ws.once('close', resolve))
    expect(pings.map((data) => data.length)).toEqual([4, 4])
    expect(pings[0].equals(pings[1])).toBe(false)
  })
})

describe('refused upgrades, word for word', () => {
  it('405 to an upgrade that is not a GET, and closes the connection', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    live = await createLiveClient(app)
    const answer = await upgradeRequest(live.port, '/ws', {}, 'POST')
    expect([answer.status, answer.body, answer.headers['connection']]).toEqual([405, 'A websocket upgrade is a GET', 'close'])
  })

  it('400 to a missing Sec-WebSocket-Key, and 426 naming version 13 to a missing version', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    live = await createLiveClient(app)
    const noKey = await upgradeRequest(live.port, '/ws', { 'Sec-WebSocket-Key': '' })
    expect([noKey.status, noKey.body, noKey.headers['connection']]).toEqual([400, 'Invalid Sec-WebSocket-Key header', 'close'])
    const old = await upgradeRequest(live.port, '/ws', { 'Sec-WebSocket-Version': '12' })
    expect([old.status, old.body, old.headers['sec-websocket-version']]).toEqual([426, 'Unsupported Sec-WebSocket-Version: use 13', '13'])
  })

  it('a key must be 22 base64 characters and "=="', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    live = await createLiveClient(app)
    for (const key of [`x${KEY}`, `${KEY}x`, KEY.replace('==', '=A')]) {
      expect((await upgradeRequest(live.port, '/ws', { 'Sec-WebSocket-Key': key })).status, key).toBe(400)
    }
    expect((await upgradeRequest(live.port, '/ws', { 'Sec-WebSocket-Key': 'abc+/0123456789ABCDEFz==' })).status).toBe(101)
  })

  it('503 "The server is shutting down" to an upgrade once the in-process client is closed', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    const client = createClient(app)
    const first = await client.websocket('/ws')
    await client.close()
    expect(first.closeCode).toBe(1001)
    const refused = await client.websocket('/ws').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(UpgradeRefused)
    expect(refused).toMatchObject({
      status: 503, text: 'The server is shutting down', name: 'UpgradeRefused',
      message: 'The server refused the websocket upgrade with 503: The server is shutting down',
    })
  })
})

describe('the test clients\' websocket()', () => {
  it('offers no subprotocol when given none, and the in-process close() resolves with no websocket ever opened', async () => {
    const app = new Roll()
    const seen: Array<string | undefined> = []
    app.route('/ws', { protocol: 'websocket', subprotocols: ['v1'] }, async (request, ws) => {
      seen.push(request.headers['SEC-WEBSOCKET-PROTOCOL'])
      await ws.send(String(ws.subprotocol))
    })
    inProcess = createClient(app)
    const ws = await inProcess.websocket('/ws')
    expect([ws.subprotocol, await ws.recv()]).toEqual([null, 'null'])
    const offered = await inProcess.websocket('/ws', { subprotocols: ['v1'] })
    expect([offered.subprotocol, await offered.recv()]).toEqual(['v1', 'v1'])
    expect(seen).toEqual([undefined, 'v1'])
    await expect(createClient(new Roll()).close()).resolves.toBeUndefined()
  })

  it('in process, closes as promptly as over a socket, whichever side closes first', async () => {
    const app = new Roll()
    const disconnects: Array<number | undefined> = []
    app.listen('websocket_disconnect', (request, ws) => { disconnects.push(ws.closeCode) })
    app.route('/bye', { protocol: 'websocket' }, async (request, ws) => { await ws.send('bye') })
    app.route('/echo', { protocol: 'websocket' }, echo)
    inProcess = createClient(app)
    const start = Date.now()
    const bye = await inProcess.websocket('/bye')
    const messages: unknown[] = []
    for await (const message of bye) messages.push(message)
    expect([messages, bye.closeCode]).toEqual([['bye'], 1000])
    const echoing = await inProcess.websocket('/echo')
    await echoing.send('hi')
    expect(await echoing.recv()).toBe('hi')
    await echoing.close(4000, 'done')
    await waitUntil('both handlers to end', () => disconnects.length === 2, 10_000)
    expect([echoing.closeCode, disconnects]).toEqual([4000, [1000, 4000]])
    // Each end of the in-memory pair sees the other end: no close handshake waits for its timeout.
    expect(Date.now() - start).toBeLessThan(CLOSE_TIMEOUT - 1000)
  })
})

describe('WebSocketConnection, word for word', () => {
  it('names its errors: ConnectionClosed with and without a reason, TimeoutError of recv() and ping(), RangeError of a bad timeout', async () => {
    const app = new Roll()
    const seen: string[] = []
    const describe = (error: Error) => `${error.name}: ${error.message}`
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      seen.push(`before: ${ws.closeCode} ${ws.closeReason}`)
      for (const timeout of [Number.NaN, -0.5]) {
        try { void ws.recv({ timeout }) } catch (error) { seen.push(describe(error as Error)) }
        await ws.ping('x', { timeout }).catch((error: Error) => seen.push(describe(error)))
      }
      // 0 ms is a timeout, not a mistake.
      seen.push(describe(await ws.recv({ timeout: 0 }).catch((error: Error) => error) as Error))
      seen.push(describe(await ws.ping('late', { timeout: 0 }).catch((error: Error) => error) as Error))
      await ws.send('asked')
      seen.push(describe(await ws.recv().catch((error: Error) => error) as Error))
      seen.push(`after: ${ws.closeCode} ${ws.closeReason}`)
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/ws`, { autoPong: false })
    await new Promise((resolve) => ws.once('message', resolve))
    ws.close(4001)
    await waitUntil('the handler to end', () => seen.length === 9, 10_000)
    expect(seen).toEqual([
      'before: undefined undefined',
      'RangeError: recv(): timeout must be a number of milliseconds ≥ 0, got NaN.',
      'RangeError: ping(): timeout must be a number of milliseconds ≥ 0, got NaN.',
      'RangeError: recv(): timeout must be a number of milliseconds ≥ 0, got -0.5.',
      'RangeError: ping(): timeout must be a number of milliseconds ≥ 0, got -0.5.',
      'TimeoutError: recv() timed out after 0 ms',
      'TimeoutError: ping() timed out after 0 ms',
      'ConnectionClosed: WebSocket connection closed with code 4001',
      'after: 4001 ',
    ])
  })

  it('ConnectionClosed names the reason when there is one', async () => {
    const app = new Roll()
    const seen: string[] = []
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      const error = await ws.recv().catch((reason: Error) => reason) as Error
      seen.push(`${error.name}: ${error.message}`, `${ws.closeCode} ${ws.closeReason}`)
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/ws`)
    ws.close(4002, 'gone fishing')
    await waitUntil('the handler to end', () => seen.length === 2, 10_000)
    expect(seen).toEqual(['ConnectionClosed: WebSocket connection closed with code 4002 (gone fishing)', '4002 gone fishing'])
  })

  it('accepts Upgrade: WebSocket in any case, and gives the handler an empty body', async () => {
    const app = new Roll()
    const bodies: unknown[] = []
    app.route('/ws', { protocol: 'websocket' }, (request) => { bodies.push(request.body) })
    live = await createLiveClient(app)
    expect((await upgradeRequest(live.port, '/ws', { Upgrade: 'WebSocket' })).status).toBe(101)
    await waitUntil('the handler', () => bodies.length === 1)
    expect(bodies).toEqual([Buffer.alloc(0)])
  })

  it('a ConnectionClosed escaping the handler is no error: no error event, no log line, no 1011', async () => {
    const app = new Roll()
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const errorEvents = vi.fn()
    const disconnects: Array<number | undefined> = []
    app.listen('error', errorEvents)
    app.listen('websocket_disconnect', (request, ws) => { disconnects.push(ws.closeCode) })
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      await ws.recv()
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/ws`)
    ws.close(4003)
    await waitUntil('the disconnect', () => disconnects.length === 1, 10_000)
    expect(disconnects).toEqual([4003])
    expect(errorEvents).not.toHaveBeenCalled()
    expect(errors).not.toHaveBeenCalled()
  })

  it('logs a websocket_disconnect listener that throws, as an unexpected 500', async () => {
    const app = new Roll()
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    app.listen('websocket_disconnect', () => { throw new Error('cleanup failed') })
    app.route('/ws', { protocol: 'websocket' }, () => {})
    live = await createLiveClient(app)
    await open(`${live.wsUrl}/ws?room=1`)
    await waitUntil('the log line', () => errors.mock.calls.length > 0, 10_000)
    expect(errors.mock.calls).toEqual([['[roll] GET /ws?room=1 failed with 500 Internal Server Error: Error: cleanup failed']])
  })
})

describe('the server side of websockets', () => {
  it('survives a client that resets the connection while its upgrade is being answered, accepted or refused', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Roll()
    let waiting = 0
    app.listen('headers', async () => {
      waiting++
      await sleep(200)
    })
    app.route('/ws', { protocol: 'websocket' }, echo)
    live = await createLiveClient(app)
    for (const path of ['/ws', '/nowhere']) {
      const before = waiting
      const socket = connect(live.port, '127.0.0.1')
      socket.on('error', () => {})
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n${Object.entries(UPGRADE).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`)
      await waitUntil('the headers listener', () => waiting > before)
      socket.resetAndDestroy()
      await sleep(400)
    }
    const ws = await live.websocket('/ws')
    await ws.send('still here')
    expect(await ws.recv()).toBe('still here')
    await ws.close()
    expect(errors).not.toHaveBeenCalled()
  })

  it('server.close() calls back with no callback given, and with the error of a server not running', async () => {
    const server = await serve(new Roll(), { port: 0 })
    const errors: Array<string | undefined> = []
    const first = new Promise<void>((resolve) => server.server.close((error) => { errors.push(error === undefined ? undefined : (error as { code?: string }).code); resolve() }))
    const second = new Promise<void>((resolve) => server.server.close((error) => { errors.push((error as { code?: string } | undefined)?.code); resolve() }))
    await Promise.all([first, second])
    expect(errors.sort()).toEqual(['ERR_SERVER_NOT_RUNNING', undefined])
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const other = await serve(new Roll(), { port: 0 })
      other.server.close()
      await new Promise((resolve) => other.server.once('close', resolve))
      await sleep(100)
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })
})

describe('the live client\'s websocket()', () => {
  it('rejects with the connection error once its server is closed', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, echo)
    const client = await createLiveClient(app)
    await client.close()
    await expect(client.websocket('/ws')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})

describe('more websocket edges', () => {
  it('recv() with a timeout still rejects with ConnectionClosed as soon as the peer closes', async () => {
    const app = new Roll()
    const seen: string[] = []
    app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
      const error = await ws.recv({ timeout: 60_000 }).catch((reason: Error) => reason) as Error
      seen.push(error.name)
    })
    live = await createLiveClient(app)
    const ws = await open(`${live.wsUrl}/ws`)
    ws.close(4004)
    await waitUntil('the handler to end', () => seen.length === 1, 10_000)
    expect(seen).toEqual(['ConnectionClosed'])
  })

  it('accepts a client offering a subprotocol to a route that names none, choosing none; and sends no Set-Cookie unasked', async () => {
    const app = new Roll()
    const seen: Array<string | null> = []
    app.route('/ws', { protocol: 'websocket' }, (request, ws) => { seen.push(ws.subprotocol) })
    live = await createLiveClient(app)
    const answer = await upgradeRequest(live.port, '/ws', { 'Sec-WebSocket-Protocol': 'chat' })
    expect([answer.status, answer.headers['sec-websocket-protocol'], answer.headers['set-cookie']]).toEqual([101, undefined, undefined])
    await waitUntil('the handler', () => seen.length === 1)
    expect(seen).toEqual([null])
  })
})


describe('sending encoded bytes and the send buffer', () => {
  it('sends UTF-8 bytes as a text frame with binary: false, and bytes as binary by default', async () => {
    const app = new Roll()
    app.route('/bytes', { protocol: 'websocket' }, async (request, ws) => {
      const encoded = Buffer.from('héllo ✓')
      await ws.send(encoded, { binary: false })
      await ws.send(encoded)
      await ws.send('text', { binary: true })
    })
    inProcess = createClient(app)
    const ws = await inProcess.websocket('/bytes')
    expect(await ws.recv()).toBe('héllo ✓')
    expect(await ws.recv()).toEqual(Buffer.from('héllo ✓'))
    expect(await ws.recv()).toEqual(Buffer.from('text'))
  })

  it('counts the bytes queued for a peer that does not read, and none once they are out', async () => {
    const app = new Roll()
    const amounts: number[] = []
    app.route('/buffer', { protocol: 'websocket' }, async (request, ws) => {
      amounts.push(ws.bufferedAmount)
      const sent = ws.send(Buffer.alloc(8 * 1024 * 1024))
      amounts.push(ws.bufferedAmount)
      await sent
      amounts.push(ws.bufferedAmount)
    })
    live = await createLiveClient(app)
    const socket = await open(live.url.replace('http', 'ws') + '/buffer')
    socket.pause()
    await waitUntil('the big send queued', () => amounts.length === 2)
    await sleep(100)
    expect(amounts).toHaveLength(2)
    expect(amounts[0]).toBe(0)
    expect(amounts[1]).toBeGreaterThan(1024 * 1024)
    socket.resume()
    await waitUntil('the big send written', () => amounts.length === 3)
    expect(amounts[2]).toBe(0)
  })
})

describe('a graceful stop', () => {
  it('keeps the websockets open while HTTP requests are in flight, then closes them with 1001', async () => {
    const app = new Roll()
    let release!: () => void
    let started!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const inFlight = new Promise<void>((resolve) => { started = resolve })
    app.route('/slow', async (request, response) => {
      started()
      await held
      response.body = 'slow done'
    })
    app.route('/ws', { protocol: 'websocket' }, echo)
    const served = await serve(app, { port: 0 })
    const socket = await open(`${served.url.replace('http', 'ws')}/ws`)
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    const slow = fetch(`${served.url}/slow`).then((response) => response.text())
    await inFlight
    const closing = served.close()
    await sleep(100)
    // Still open, and still answering, while the request is in flight.
    const echoed = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))))
    socket.send('still here')
    expect(await echoed).toBe('still here')
    release()
    expect(await slow).toBe('slow done')
    expect(await closed).toBe(1001)
    await closing
  })
})
