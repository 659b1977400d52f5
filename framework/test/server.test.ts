import { createConnection } from 'node:net'
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll, serve, type Served } from '@roll/framework'
import { rawConnection, rawExchange } from './_raw-http.js'

let served: Served | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
  vi.restoreAllMocks()
})

function helloApp() {
  const app = new Roll({ maxBodySize: 1024 })
  app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
  app.route('/echo', { methods: ['POST'] }, (request, response) => { response.body = request.body })
  return app
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`

describe('serve', () => {
  it('resolves with the url and port it listens on, and fires startup first', async () => {
    const app = helloApp()
    const events: string[] = []
    app.listen('startup', () => { events.push('startup') })
    served = await serve(app, { port: 0 })
    events.push('listening')
    expect(events).toEqual(['startup', 'listening'])
    expect(served.url).toBe(`http://127.0.0.1:${served.port}`)
    const answer = await fetch(`${served.url}/hello/world`)
    expect(await answer.text()).toBe('Hello world')
  })

  it('logs a failed accept (EMFILE) and keeps serving', async () => {
    served = await serve(helloApp(), { port: 0 })
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    served.server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }))
    expect(logged).toHaveBeenCalledWith('[roll] the server could not accept a connection: accept EMFILE')
    expect(await (await fetch(`${served.url}/hello/again`)).text()).toBe('Hello again')
  })

  it('keeps a connection alive across several requests', async () => {
    served = await serve(helloApp(), { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.write(get('/hello/one'))
    await connection.waitFor('Hello one')
    connection.socket.write(get('/hello/two'))
    await connection.waitFor('Hello two')
    expect(connection.received().match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2)
    connection.socket.destroy()
  })

  it('reads a chunked request body', async () => {
    served = await serve(helloApp(), { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.write('POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')
    const answer = await connection.waitFor('hello world')
    expect(answer).toMatch(/Content-Length: 11/)
    connection.socket.destroy()
  })

  it('answers 413 to a declared Content-Length over maxBodySize before reading the body, and closes', async () => {
    served = await serve(helloApp(), { port: 0 })
    const answer = await rawExchange(served.port, 'POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toContain('Request body is larger than the 1024 bytes allowed')
    expect(answer).toMatch(/Connection: close/)
  })

  it('answers 413 as soon as a chunked body grows past maxBodySize, without waiting for the rest', async () => {
    served = await serve(helloApp(), { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.write('POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n')
    const chunk = 'x'.repeat(600)
    connection.socket.write(`${(600).toString(16)}\r\n${chunk}\r\n`)
    connection.socket.write(`${(600).toString(16)}\r\n${chunk}\r\n`)
    // The body never ends: the answer must come anyway.
    const answer = await connection.closed()
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
  })

  it.each([
    [400, 'a garbage request line', 'GARBAGE\r\n\r\n'],
    [400, 'Content-Length with Transfer-Encoding', 'POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    [400, 'two different Content-Lengths', 'POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
    [400, 'a bad header line', 'GET /hello/x HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n'],
    [505, 'an HTTP/2.0 request line', 'GET /hello/x HTTP/2.0\r\nHost: t\r\n\r\n'],
    [505, 'an HTTP/3.0 request line', 'GET /hello/x HTTP/3.0\r\nHost: t\r\n\r\n'],
    [400, 'anything after the HTTP version', 'GET /hello/x HTTP/1.1 extra\r\nHost: t\r\n\r\n'],
    [414, 'an over-long target', get(`/${'a'.repeat(20_000)}`)],
    [431, 'an over-long header', `GET /hello/x HTTP/1.1\r\nHost: t\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`],
  ])('answers %i to %s and keeps serving others', async (status, _, payload) => {
    served = await serve(helloApp(), { port: 0 })
    const answer = await rawExchange(served.port, payload)
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `))
    expect(answer).not.toMatch(/at .*\.(ts|js):\d+/)
    const next = await fetch(`${served.url}/hello/again`)
    expect(await next.text()).toBe('Hello again')
  })

  it('answers 400 to invalid percent-encoding in the path', async () => {
    served = await serve(helloApp(), { port: 0 })
    const answer = await rawExchange(served.port, 'GET /hello/%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toContain("Invalid percent-encoding in path '/hello/%zz'")
  })

  it('closes a connection whose request head does not arrive within headersTimeout', async () => {
    served = await serve(helloApp(), { port: 0, headersTimeout: 300, requestTimeout: 300 })
    const connection = await rawConnection(served.port)
    connection.socket.write('GET /hello/slow HTTP/1.1\r\nHost: t\r\n')
    const answer = await connection.closed(5000)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    served = await serve(helloApp(), { port: 0, keepAliveTimeout: 200 })
    const connection = await rawConnection(served.port)
    connection.socket.write(get('/hello/idle'))
    await connection.waitFor('Hello idle')
    const started = Date.now()
    await connection.closed(3000)
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('lets an in-flight request finish on close(), refuses new connections, then fires shutdown', async () => {
    const app = helloApp()
    const events: string[] = []
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    app.route('/slow', async (request, response) => {
      events.push('slow started')
      await held
      response.body = 'done slowly'
    })
    app.listen('shutdown', () => { events.push('shutdown') })
    const server = await serve(app, { port: 0 })
    const slow = fetch(`${server.url}/slow`).then((response) => response.text())
    await vi.waitFor(() => expect(events).toContain('slow started'))
    const closing = server.close().then(() => events.push('closed'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    await expect(new Promise((resolve, reject) => {
      const socket = createConnection(server.port, '127.0.0.1', () => resolve('connected'))
      socket.on('error', reject)
    })).rejects.toThrow(/ECONNREFUSED/)
    expect(events).not.toContain('shutdown')
    release()
    expect(await slow).toBe('done slowly')
    await closing
    expect(events).toEqual(['slow started', 'shutdown', 'closed'])
  })

  it('waits drainTimeout for in-flight requests, then gives up on them and fires shutdown', async () => {
    const app = helloApp()
    const events: string[] = []
    app.route('/forever', () => new Promise<void>(() => {}))
    app.listen('shutdown', () => { events.push('shutdown') })
    const server = await serve(app, { port: 0, drainTimeout: 400 })
    let cut = false
    const hanging = fetch(`${server.url}/forever`).catch((error: Error) => { cut = true; return error })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    const closing = server.close().then(() => Date.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 200))
    // Halfway through the drain: the request is still being waited for.
    expect([cut, events]).toEqual([false, []])
    const waited = await closing
    expect(waited).toBeGreaterThanOrEqual(350)
    expect(waited).toBeLessThan(3000)
    expect(await hanging).toBeInstanceOf(Error)
    expect(events).toEqual(['shutdown'])
  })
})

describe('serve: stopping', () => {
  const refused = (port: number) => new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1', () => resolve('connected'))
    socket.on('error', reject)
  })

  it('on close(), writes out a body larger than the socket buffer that its handler has handed over', async () => {
    const app = helloApp()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    app.route('/big', async (request, response) => {
      await held
      response.body = 'x'.repeat(8 * 1024 * 1024)
    })
    const server = await serve(app, { port: 0 })
    const big = new Promise<number>((resolve, reject) => {
      httpRequest(`${server.url}/big`, (res) => {
        let bytes = 0
        res.on('data', (chunk: Buffer) => (bytes += chunk.length))
        res.on('end', () => resolve(bytes))
        res.on('error', reject)
      }).on('error', reject).end()
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closing = server.close()
    release()
    expect(await big).toBe(8 * 1024 * 1024)
    await closing
  })

  it('stopListening() refuses new connections and serves the open ones; close() then drains', async () => {
    const server = await serve(helloApp(), { port: 0 })
    const connection = await rawConnection(server.port)
    connection.socket.write(get('/hello/before'))
    await connection.waitFor('Hello before')
    server.stopListening()
    await expect(refused(server.port)).rejects.toThrow(/ECONNREFUSED/)
    connection.socket.write(get('/hello/after'))
    await connection.waitFor('Hello after')
    await server.close()
    await connection.closed(1000)
  })

  it('close() resolves after stopListening() with no connection open', async () => {
    const server = await serve(helloApp(), { port: 0 })
    server.stopListening()
    await new Promise((resolve) => setTimeout(resolve, 20))
    await server.close()
  })
})

describe('streamed response bodies', () => {
  it('sends an async iterable chunked, pulling it only as the client reads', async () => {
    const app = new Roll()
    let pulled = 0
    app.route('/stream', (request, response) => {
      response.body = (async function* () {
        for (let i = 0; i < 200; i++) {
          pulled++
          yield Buffer.alloc(64 * 1024, 'x')
        }
      })()
    })
    served = await serve(app, { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.pause()
    connection.socket.write(get('/stream'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    // 200 chunks of 64 KiB is 12.5 MiB: socket buffers hold far less.
    const whilePaused = pulled
    expect(whilePaused).toBeGreaterThan(0)
    expect(whilePaused).toBeLessThan(100)
    connection.socket.resume()
    const answer = await connection.waitFor(/\r\n0\r\n\r\n$/, 10_000)
    expect(pulled).toBe(200)
    expect(answer.split('x'.repeat(64 * 1024)).length - 1).toBe(200)
    connection.socket.destroy()
  })

  it('closes the iterable when the client goes away', async () => {
    const app = new Roll()
    let finished = false
    app.route('/stream', (request, response) => {
      response.body = (async function* () {
        try {
          for (;;) {
            yield 'tick\n'
            await new Promise((resolve) => setTimeout(resolve, 10))
          }
        } finally {
          finished = true
        }
      })()
    })
    served = await serve(app, { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.write(get('/stream'))
    await connection.waitFor('tick')
    connection.socket.destroy()
    await vi.waitFor(() => expect(finished).toBe(true))
  })

  it('cuts the connection without a terminating chunk when the iterable throws', async () => {
    const app = new Roll()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    app.route('/stream', (request, response) => {
      response.body = (async function* () {
        yield 'partial'
        throw new Error('database went away')
      })()
    })
    served = await serve(app, { port: 0 })
    const answer = await rawExchange(served.port, get('/stream'))
    expect(answer).toContain('partial')
    expect(answer).not.toMatch(/\r\n0\r\n\r\n$/)
    expect(answer).not.toContain('database went away')
  })
})

describe('lazy bodies over a socket', () => {
  it('makes `for await` over the request throw when the client disconnects mid-body', async () => {
    const app = new Roll()
    let failure: unknown
    let chunks = 0
    app.route('/upload', { methods: ['POST'], lazyBody: true }, async (request, response) => {
      try {
        for await (const _ of request) chunks++
      } catch (error) {
        failure = error
      }
      response.body = 'ok'
    })
    served = await serve(app, { port: 0 })
    const outgoing = httpRequest({ port: served.port, host: '127.0.0.1', method: 'POST', path: '/upload', headers: { 'Content-Length': '100000' } })
    outgoing.on('error', () => {})
    outgoing.write('x'.repeat(1000))
    await vi.waitFor(() => expect(chunks).toBeGreaterThan(0))
    outgoing.destroy()
    await vi.waitFor(() => expect(failure).toBeInstanceOf(Error))
  })

  it('streams a lazy body larger than maxBodySize', async () => {
    const app = new Roll({ maxBodySize: 10 })
    app.route('/upload', { methods: ['POST'], lazyBody: true }, async (request, response) => {
      let size = 0
      for await (const chunk of request) size += chunk.length
      response.body = `received ${size} bytes`
    })
    served = await serve(app, { port: 0 })
    const answer = await fetch(`${served.url}/upload`, { method: 'POST', body: 'y'.repeat(5000) })
    expect(await answer.text()).toBe('received 5000 bytes')
  })
})

describe('faults', () => {
  it('answers 500 when a handler sets a header value that cannot be sent', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = helloApp()
    app.route('/split', (request, response) => {
      response.headers['X-Injected'] = 'a\r\nSet-Cookie: evil=1'
      response.body = 'never sent'
    })
    served = await serve(app, { port: 0 })
    const answer = await rawExchange(served.port, 'GET /split HTTP/1.1\r\nHost: t\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 500 /)
    expect(answer).toContain('Internal Server Error')
    expect(answer).not.toContain('evil')
    expect(errors).toHaveBeenCalledTimes(1)
  })

  it('turns an error thrown in any listener or handler into one 500 and one log line', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      for (const where of ['headers', 'request', 'handler', 'response', 'error']) {
        errors.mockClear()
        const app = new Roll()
        app.route('/boom', () => { if (where === 'handler') throw 'not even an Error' })
        if (where !== 'handler') app.listen(where, () => { throw new Error(`${where} failed at /secret/path.ts:12`) })
        if (where === 'error') app.route('/fail', () => { throw new Error('first') })
        const server = await serve(app, { port: 0 })
        const answer = await fetch(`${server.url}/${where === 'error' ? 'fail' : 'boom'}`)
        expect(answer.status, where).toBe(500)
        const body = await answer.text()
        expect(body, where).toBe('Internal Server Error')
        expect(errors.mock.calls.length, where).toBeGreaterThanOrEqual(1)
        await server.close()
      }
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })
})
