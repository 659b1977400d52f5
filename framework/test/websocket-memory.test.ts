// A websocket handler holds its Request as long as the connection is open: once the upgrade
// is done, the Request lets go of Node's IncomingMessage (and of the socket's handshake
// state), and still answers everything it answered during the handshake.
import type { IncomingMessage } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { Roll, serve, type Request, type Served } from '@roll/framework'
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

// `for await` walks a small iterator instead of an async generator (which kept more per idle
// connection): it behaves as the generator did.
it('iterates messages as an async generator would: return, throw, and the end at close', async () => {
  const app = new Roll()
  app.route('/echo', { protocol: 'websocket' }, async (request, ws) => {
    for await (const message of ws) await ws.send(message)
  })
  const client = createClient(app)
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
