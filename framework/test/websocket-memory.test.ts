// A websocket handler holds its Request as long as the connection is open: once the upgrade
// is done, the Request lets go of Node's IncomingMessage (and of the socket's handshake
// state), and still answers everything it answered during the handshake.
import type { IncomingMessage } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { ConnectionClosed, Response, Roll, serve, TimeoutError, type Request, type Served } from '@roll/framework'
import { createClient } from '@roll/framework/testing'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

let served: Served | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

const describeRequest = (request: Request) => ({
  method: request.method, url: request.url, path: request.path, queryString: request.queryString,
  query: { a: request.query.list('a'), b: request.query.get('b') }, cookies: request.cookies,
  custom: request.headers['X-CUSTOM'], host: request.host, origin: request.origin, contentType: request.contentType,
})

// The body of an upgrade is empty, whichever way it is read.
async function bodyOf(request: Request) {
  const chunks: Uint8Array[] = []
  for await (const chunk of request) chunks.push(chunk)
  return { body: request.body.length, read: (await request.read()).length, chunks: chunks.length, mine: request.get('mine') }
}

function open(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function ask(ws: WebSocket, text: string): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString())))
    ws.send(text)
  })
}

it('answers headers, path, query and cookies after the upgrade, without the IncomingMessage', async () => {
  const app = new Roll()
  const during: unknown[] = []
  app.listen('headers', async (request) => {
    request.set('mine', 'kept')
    during.push(describeRequest(request))
  })
  app.route('/rooms/{name}', { protocol: 'websocket' }, async (request, ws) => {
    for await (const message of ws) await ws.send(JSON.stringify({ message, ...describeRequest(request), ...(await bodyOf(request)) }))
  })
  served = await serve(app, { port: 0 })
  const incoming: WeakRef<IncomingMessage>[] = []
  served.server.on('upgrade', (req: IncomingMessage) => incoming.push(new WeakRef(req)))
  const ws = await open(`ws://127.0.0.1:${served.port}/rooms/caf%C3%A9?a=1&a=2&b=`, {
    Cookie: 'session=abc; theme=dark', Origin: 'http://example.test', 'X-Custom': 'yes',
  })
  const expected = {
    method: 'GET', url: '/rooms/caf%C3%A9?a=1&a=2&b=', path: '/rooms/café', queryString: 'a=1&a=2&b=',
    query: { a: ['1', '2'], b: '' }, cookies: { session: 'abc', theme: 'dark' }, custom: 'yes',
    host: `127.0.0.1:${served.port}`, origin: 'http://example.test', contentType: '',
  }
  const body = { body: 0, read: 0, chunks: 0, mine: 'kept' }
  expect(during).toEqual([expected])
  expect(await ask(ws, 'first')).toEqual({ message: 'first', ...expected, ...body })

  // The handler is waiting in `for await`, holding its Request: the IncomingMessage is gone.
  expect(incoming).toHaveLength(1)
  for (let i = 0; i < 3 && incoming[0].deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc()
  }
  expect(incoming[0].deref()).toBeUndefined()
  expect(await ask(ws, 'again')).toEqual({ message: 'again', ...expected, ...body })
  ws.close()
})

it('keeps no Response once the upgrade is done: an error the handler throws gets a new one', async () => {
  const app = new Roll()
  const responses: WeakRef<Response>[] = []
  const errors: unknown[] = []
  app.listen('headers', (request, response) => { responses.push(new WeakRef(response)) })
  app.listen('error', (request, response, error) => { errors.push([response instanceof Response, response.status, error.status]) })
  vi.spyOn(console, 'error').mockImplementation(() => {})
  app.route('/fails', { protocol: 'websocket' }, async (request, ws) => { throw new Error(`boom after ${await ws.recv()}`) })
  served = await serve(app, { port: 0 })
  const ws = await open(`ws://127.0.0.1:${served.port}/fails`, {})
  const closed = new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])))
  for (let i = 0; i < 3 && responses[0].deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc()
  }
  expect(responses[0].deref()).toBeUndefined()
  ws.send('go')
  expect(await closed).toEqual([1011, 'Handler died prematurely.'])
  await expect.poll(() => errors).toEqual([[true, 500, 500]])
  vi.restoreAllMocks()
})

/** An in-process client of an app that echoes every websocket message. */
function echoClient() {
  const app = new Roll()
  app.route('/echo', { protocol: 'websocket' }, async (request, ws) => {
    for await (const message of ws) await ws.send(message)
  })
  return createClient(app)
}

// Waiters for the next message stand in line: the first in a field, the others (rare) behind it.
it('hands messages to recv() calls and next() calls in the order they came, without those that timed out', async () => {
  const client = echoClient()
  try {
    const ws = await client.websocket('/echo')
    const [first, late, third] = [ws.recv(), ws.recv({ timeout: 20 }), ws.recv()]
    await expect(late).rejects.toBeInstanceOf(TimeoutError)
    await ws.send('1')
    await ws.send('2')
    expect([await first, await third]).toEqual(['1', '2'])
    const [gone, next] = [ws.recv({ timeout: 20 }), ws.recv()] // the first in line times out
    await expect(gone).rejects.toBeInstanceOf(TimeoutError)
    await ws.send('3')
    expect(await next).toBe('3')
    const messages = ws[Symbol.asyncIterator]()
    const waiting = [messages.next(), messages.next(), ws.recv()]
    for (const text of ['4', '5', '6']) await ws.send(text)
    expect(await Promise.all(waiting)).toEqual([{ value: '4', done: false }, { value: '5', done: false }, '6'])
    const ending = [messages.next(), ws.recv().catch((error: unknown) => error instanceof ConnectionClosed)]
    await ws.close()
    expect(await Promise.all(ending)).toEqual([{ value: undefined, done: true }, true])
  } finally {
    await client.close()
  }
})

// `for await` walks a small iterator instead of an async generator (which kept more per idle
// connection): it behaves as the generator did.
it('iterates messages as an async generator would: return, throw, and the end at close', async () => {
  const client = echoClient()
  try {
    const ws = await client.websocket('/echo')
    await ws.send('a')
    await ws.send(Buffer.from('b'))
    const messages = ws[Symbol.asyncIterator]()
    expect(messages[Symbol.asyncIterator]()).toBe(messages)
    expect(await messages.next()).toEqual({ value: 'a', done: false })
    expect(await messages.return(undefined)).toEqual({ value: undefined, done: true })
    expect(await messages.next()).toEqual({ value: undefined, done: true })
    const other = ws[Symbol.asyncIterator]()
    expect(await other.next()).toEqual({ value: Buffer.from('b'), done: false })
    await expect(other.throw(new Error('stop'))).rejects.toThrow('stop')
    expect(await other.next()).toEqual({ value: undefined, done: true })
    await ws.send('c')
    const received: unknown[] = []
    const reading = (async () => { for await (const message of ws) received.push(message) })()
    await expect.poll(() => received).toEqual(['c'])
    await ws.close()
    await reading
    expect(await ws[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true })
  } finally {
    await client.close()
  }
})
