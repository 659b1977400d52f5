// serve()'s edges, word for word: the refusals it answers itself (their status lines,
// headers and bodies), the handle and IPv6 it can listen on, Connection: close while
// closing or when a body is left unread, and streamed bodies whose client goes away.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server as NetServer, type Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll, serve, type Served } from '@roll/framework'
import { createClient } from '@roll/framework/testing'
import { request as httpRequest } from 'node:http'
import { rawConnection, rawExchange } from './_raw-http.js'
import { waitUntil } from '../../test/helpers/wait-until.js'

let served: Served | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
  vi.restoreAllMocks()
})

function helloApp() {
  const app = new Roll()
  app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
  return app
}

const TEXT = 'text/plain; charset=utf-8'

/** An answer Roll writes itself on a parse error: the whole of it, byte for byte. */
const rawAnswer = (status: string, body: string) =>
  `HTTP/1.1 ${status}\r\nContent-Type: ${TEXT}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`

/** Splits a raw answer: status line, lower-cased headers, and its body (de-chunked). */
function parse(answer: string) {
  const end = answer.indexOf('\r\n\r\n')
  const [statusLine, ...lines] = answer.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = answer.slice(end + 4)
  if (headers['transfer-encoding'] === 'chunked') {
    let plain = ''
    for (;;) {
      const lineEnd = body.indexOf('\r\n')
      const size = parseInt(body.slice(0, lineEnd), 16)
      if (!(size > 0)) break
      plain += body.slice(lineEnd + 2, lineEnd + 2 + size)
      body = body.slice(lineEnd + 2 + size + 2)
    }
    body = plain
  }
  return { statusLine, headers, body }
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`

describe('serve: the refusals it writes itself', () => {
  it('answers 414 with a plain-text body and Connection: close to a target over 8 KiB that Node parsed', async () => {
    served = await serve(helloApp(), { port: 0 })
    const answer = parse(await rawExchange(served.port, get(`/${'a'.repeat(9000)}`)))
    expect(answer.statusLine).toBe('HTTP/1.1 414 URI Too Long')
    expect(answer.headers['content-type']).toBe(TEXT)
    expect(answer.headers['connection']).toBe('close')
    expect(answer.body).toBe('URI Too Long: the request target is too long')
  })

  it('refuses a target one character over maxUrlLength (default 8 KiB), not one at it', async () => {
    served = await serve(helloApp(), { port: 0 })
    const at = `/hello/${'a'.repeat(8 * 1024 - 7)}`
    expect(at).toHaveLength(8 * 1024)
    expect(parse(await rawExchange(served.port, get(at, 'Connection: close\r\n'))).statusLine).toBe('HTTP/1.1 200 OK')
    expect(parse(await rawExchange(served.port, get(`${at}a`))).statusLine).toBe('HTTP/1.1 414 URI Too Long')
    await served.close()
    served = await serve(helloApp(), { port: 0, maxUrlLength: 10 })
    expect(parse(await rawExchange(served.port, get('/hello/abc', 'Connection: close\r\n'))).body).toBe('Hello abc')
    expect(parse(await rawExchange(served.port, get('/hello/abcd'))).statusLine).toBe('HTTP/1.1 414 URI Too Long')
  })

  it('answers 505 to an HTTP/2.0 request line with a plain-text body and Connection: close', async () => {
    served = await serve(helloApp(), { port: 0 })
    const answer = parse(await rawExchange(served.port, 'GET /hello/x HTTP/2.0\r\nHost: t\r\n\r\n'))
    expect(answer.statusLine).toBe('HTTP/1.1 505 HTTP Version Not Supported')
    expect(answer.headers['content-type']).toBe(TEXT)
    expect(answer.headers['connection']).toBe('close')
    expect(answer.body).toBe('HTTP Version Not Supported: use HTTP/1.1')
    // HTTP/0.9 is no HTTP/1 either.
    expect(parse(await rawExchange(served.port, 'GET /hello/x HTTP/0.9\r\nHost: t\r\n\r\n')).statusLine).toBe('HTTP/1.1 505 HTTP Version Not Supported')
  })

  it('answers 505 to a version llhttp rejects (HPE_INVALID_VERSION), word for word', async () => {
    served = await serve(helloApp(), { port: 0 })
    expect(await rawExchange(served.port, 'GET /hello/x HTTP/1.2\r\nHost: t\r\n\r\n'))
      .toBe(rawAnswer('505 HTTP Version Not Supported', 'HTTP Version Not Supported: use HTTP/1.1'))
  })

  it('answers 400 naming the parse error without its "Parse Error: " prefix, word for word', async () => {
    served = await serve(helloApp(), { port: 0 })
    expect(await rawExchange(served.port, 'GARBAGE\r\n\r\n')).toBe(rawAnswer('400 Bad Request', 'Bad Request: Invalid method encountered'))
  })

  it('answers 414 to a request line that overflows the header limit before it ends, word for word', async () => {
    served = await serve(helloApp(), { port: 0 })
    expect(await rawExchange(served.port, `GET /${'a'.repeat(20_000)}`))
      .toBe(rawAnswer('414 Request-URI Too Long', 'URI Too Long: the request target is too long'))
  })

  it('answers 431 to an over-long header after a short request line, word for word', async () => {
    served = await serve(helloApp(), { port: 0 })
    expect(await rawExchange(served.port, get('/hello/x', `X-Big: ${'b'.repeat(20_000)}\r\n`)))
      .toBe(rawAnswer('431 Request Header Fields Too Large', 'Request Header Fields Too Large'))
  })

  it('answers 414, not 431, when the overflowing head has a request line longer than maxUrlLength', async () => {
    served = await serve(helloApp(), { port: 0, maxUrlLength: 100 })
    const line = `/hello/${'a'.repeat(200)}`
    expect(await rawExchange(served.port, get(line, `X-Big: ${'b'.repeat(20_000)}\r\n`)))
      .toBe(rawAnswer('414 Request-URI Too Long', 'URI Too Long: the request target is too long'))
  })

  it('answers 408 with its own body when the head is too slow, word for word', async () => {
    served = await serve(helloApp(), { port: 0, headersTimeout: 300, requestTimeout: 300 })
    const connection = await rawConnection(served.port)
    connection.socket.write('GET /hello/slow HTTP/1.1\r\nHost: t\r\n')
    expect(await connection.closed(8000)).toBe(rawAnswer('408 Request Timeout', 'Request Timeout: the request head took too long to arrive'))
  })

  it('destroys, without answering, a socket that was reset or can no longer be written', async () => {
    served = await serve(helloApp(), { port: 0 })
    const fake = (writable: boolean) => ({ writable, end: vi.fn(), destroy: vi.fn() })
    const reset = fake(true)
    served.server.emit('clientError', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), reset as unknown as Socket)
    expect([reset.destroy.mock.calls.length, reset.end.mock.calls.length]).toEqual([1, 0])
    const gone = fake(false)
    served.server.emit('clientError', Object.assign(new Error('Parse Error: Invalid method encountered'), { code: 'HPE_INVALID_METHOD' }), gone as unknown as Socket)
    expect([gone.destroy.mock.calls.length, gone.end.mock.calls.length]).toEqual([1, 0])
    const writable = fake(true)
    served.server.emit('clientError', Object.assign(new Error('Parse Error: Invalid method encountered'), { code: 'HPE_INVALID_METHOD' }), writable as unknown as Socket)
    expect(writable.destroy).not.toHaveBeenCalled()
    expect(writable.end).toHaveBeenCalledWith(rawAnswer('400 Bad Request', 'Bad Request: Invalid method encountered'))
  })
})

describe('serve: where it listens', () => {
  it('serves on a listening handle it is given, and tells its address', async () => {
    const handle: NetServer = createServer()
    await new Promise<void>((resolve) => handle.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = handle.address() as { port: number }
      served = await serve(helloApp(), { handle, port: 1, host: '0.0.0.0' })
      expect([served.url, served.port, served.host]).toEqual([`http://127.0.0.1:${port}`, port, '127.0.0.1'])
      expect(await (await fetch(`http://127.0.0.1:${port}/hello/handle`)).text()).toBe('Hello handle')
    } finally {
      await served?.close()
      served = undefined
      handle.close()
    }
  })

  it('serves on a Unix socket, and tells its path as the url unix:<path>', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roll-unix-'))
    const socketPath = path.join(dir, 'app.sock')
    try {
      served = await serve(helloApp(), { handle: { path: socketPath } })
      expect([served.url, served.port, served.host]).toEqual([`unix:${socketPath}`, 0, socketPath])
      const text = await new Promise<string>((resolve, reject) => {
        httpRequest({ socketPath, path: '/hello/unix' }, (response) => {
          let body = ''
          response.on('data', (chunk) => (body += chunk)).on('end', () => resolve(body))
        }).on('error', reject).end()
      })
      expect(text).toBe('Hello unix')
    } finally {
      await served?.close()
      served = undefined
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('puts an IPv6 address in brackets in its url', async () => {
    served = await serve(helloApp(), { port: 0, host: '::1' })
    expect([served.url, served.host]).toEqual([`http://[::1]:${served.port}`, '::1'])
    expect(await (await fetch(`${served.url}/hello/six`)).text()).toBe('Hello six')
  })

  it('rejects when it cannot listen, and serves nothing', async () => {
    const taken = await serve(helloApp(), { port: 0 })
    try {
      await expect(serve(helloApp(), { port: taken.port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    } finally {
      await taken.close()
    }
  })
})

describe('serve: Connection: close', () => {
  it('keeps a connection alive after a request whose body was read, and closes it after one left unread', async () => {
    const app = new Roll()
    app.route('/read', { methods: ['POST'] }, (request, response) => { response.body = `read ${request.body.length}` })
    app.route('/unread', { methods: ['POST'], lazyBody: true }, (request, response) => { response.body = 'not read' })
    served = await serve(app, { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.write('POST /read HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc')
    const read = parse(await connection.waitFor('read 3'))
    expect(read.headers['connection']).toBe('keep-alive')
    const unread = await rawConnection(served.port)
    unread.socket.write('POST /unread HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc')
    const answer = parse(await unread.closed(5000))
    expect([answer.body, answer.headers['connection']]).toEqual(['not read', 'close'])
    connection.socket.destroy()
  })

  it('asks the client of a request still in flight when close() is called to close its connection', async () => {
    const app = helloApp()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let started = false
    app.route('/slow', async (request, response) => {
      started = true
      await held
      response.body = 'slow'
    })
    const server = await serve(app, { port: 0 })
    const connection = await rawConnection(server.port)
    connection.socket.write(get('/slow'))
    await waitUntil('the slow request to start', () => started)
    const closing = server.close()
    release()
    const answer = parse(await connection.closed(5000))
    expect([answer.body, answer.headers['connection']]).toEqual(['slow', 'close'])
    await closing
  })

  it('close() called twice stops once: the same promise, one shutdown', async () => {
    const app = helloApp()
    const shutdowns = vi.fn()
    app.listen('shutdown', shutdowns)
    const server = await serve(app, { port: 0 })
    const first = server.close()
    expect(server.close()).toBe(first)
    await first
    expect(shutdowns).toHaveBeenCalledTimes(1)
  })

  it('stopListening() twice is harmless', async () => {
    const server = await serve(helloApp(), { port: 0 })
    const closes = vi.fn()
    server.server.on('close', closes)
    server.stopListening()
    server.stopListening()
    await server.close()
    // One 'close' for stopListening(), one for close(): the second stopListening() did nothing.
    expect(closes).toHaveBeenCalledTimes(2)
  })
})

describe('streamed bodies whose client goes away', () => {
  /** An endless body of 64 KiB chunks, with `next` only: no `return()` to close it by. */
  function endless(counter: { pulls: number }): AsyncIterable<Buffer> {
    const chunk = Buffer.alloc(64 * 1024, 'z')
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          counter.pulls++
          return { value: chunk, done: false }
        },
      }),
    }
  }

  it('stops pulling an iterator without return() once the client left, while waiting for the socket to drain', async () => {
    const app = new Roll()
    const counter = { pulls: 0 }
    app.route('/endless', (request, response) => { response.body = endless(counter) })
    // A drain that never ended would keep the request in flight and close() waiting for a minute.
    const server = await serve(app, { port: 0, drainTimeout: 60_000 })
    const connection = await rawConnection(server.port)
    connection.socket.pause()
    connection.socket.write(get('/endless'))
    // Wait until the server is stuck on a full socket: the pulls stop.
    let last = -1
    await waitUntil('the server to wait for drain', () => {
      const stuck = counter.pulls > 0 && counter.pulls === last
      last = counter.pulls
      return stuck
    }, 10_000, 200)
    connection.socket.destroy()
    const closed = server.close().then(() => 'closed')
    const timeout = new Promise((resolve) => setTimeout(resolve, 8000, 'still waiting')).catch(() => {})
    expect(await Promise.race([closed, timeout])).toBe('closed')
    // At most the one pull that found the client gone.
    expect(counter.pulls - last).toBeLessThanOrEqual(1)
  }, 20_000)
})

describe('writing bodies on the wire', () => {
  it('leaves no listener behind while it waits for the socket to drain, chunk after chunk', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => { warnings.push(`${warning.name}: ${warning.message}`) }
    process.on('warning', onWarning)
    try {
      const app = new Roll()
      app.route('/stream', (request, response) => {
        response.body = (async function* () {
          for (let i = 0; i < 64; i++) yield Buffer.alloc(256 * 1024, 'w')
        })()
      })
      served = await serve(app, { port: 0 })
      const connection = await rawConnection(served.port)
      connection.socket.write(get('/stream', 'Connection: close\r\n'))
      const answer = await connection.closed(20_000)
      expect(answer.split('w'.repeat(256 * 1024)).length - 1).toBe(64)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  }, 30_000)

  it('sends what a body stream yields that is neither text nor bytes as text', async () => {
    const app = new Roll()
    app.route('/stream', (request, response) => {
      response.body = (async function* () { yield 42; yield { toString: () => ' and more' } })()
    })
    served = await serve(app, { port: 0 })
    expect(parse(await rawExchange(served.port, get('/stream', 'Connection: close\r\n'))).body).toBe('42 and more')
  })

  it('swallows a failing return() of a body whose client left', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const app = new Roll()
      let returned = false
      app.route('/stream', (request, response) => {
        response.body = {
          [Symbol.asyncIterator]: () => ({
            next: async () => {
              await new Promise((resolve) => setTimeout(resolve, 5))
              return { value: 'tick\n', done: false }
            },
            return: async () => {
              returned = true
              throw new Error('could not close the cursor')
            },
          }),
        }
      })
      served = await serve(app, { port: 0 })
      const connection = await rawConnection(served.port)
      connection.socket.write(get('/stream'))
      await connection.waitFor('tick')
      connection.socket.destroy()
      await waitUntil('return() to be called', () => returned, 5000)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })

  it('answers the last-resort 500 with its own headers, and closes the connection', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Roll()
    app.route('/split', (request, response) => { response.headers['X-Injected'] = 'a\r\nb' })
    served = await serve(app, { port: 0 })
    const answer = parse(await rawExchange(served.port, get('/split')))
    // Node keeps the phrase of the refused writeHead ('OK') unless told another.
    expect(answer.statusLine).toBe('HTTP/1.1 500 Internal Server Error')
    expect([answer.headers['content-type'], answer.headers['content-length'], answer.headers['connection'], answer.body])
      .toEqual([TEXT, '21', 'close', 'Internal Server Error'])
  })
})

describe('more edges found by mutation testing', () => {
  it('answers 431, not 414, to an overflowing head whose request line is exactly maxUrlLength long', async () => {
    served = await serve(helloApp(), { port: 0, maxUrlLength: 100 })
    const big = `X-Big: ${'b'.repeat(20_000)}\r\n`
    const line = (length: number) => `/hello/${'a'.repeat(length - 'GET /hello/ HTTP/1.1'.length)}`
    expect(`GET ${line(100)} HTTP/1.1`).toHaveLength(100)
    expect(await rawExchange(served.port, get(line(100), big))).toBe(rawAnswer('431 Request Header Fields Too Large', 'Request Header Fields Too Large'))
    expect(await rawExchange(served.port, get(line(101), big))).toBe(rawAnswer('414 Request-URI Too Long', 'URI Too Long: the request target is too long'))
  })

  it('the in-process client is never asked to close its connection', async () => {
    const client = createClient(helloApp())
    const response = await client.get('/hello/x')
    expect([response.text, response.headers['connection']]).toEqual(['Hello x', undefined])
    await client.close()
  })

  it('close() resolves once a body larger than the socket buffer is out, without waiting for drainTimeout', async () => {
    const app = helloApp()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let started = false
    app.route('/big', async (request, response) => {
      started = true
      await held
      response.body = 'x'.repeat(8 * 1024 * 1024)
    })
    const server = await serve(app, { port: 0, drainTimeout: 60_000 })
    const big = new Promise<number>((resolve, reject) => {
      httpRequest(`${server.url}/big`, (res) => {
        let bytes = 0
        res.on('data', (chunk: Buffer) => (bytes += chunk.length))
        res.on('end', () => resolve(bytes))
        res.on('error', reject)
      }).on('error', reject).end()
    })
    await waitUntil('the handler to start', () => started)
    const closing = server.close().then(() => 'closed')
    release()
    expect(await big).toBe(8 * 1024 * 1024)
    expect(await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 8000, 'still waiting'))])).toBe('closed')
  }, 20_000)

  it('sends a bytes body as is, without a Content-Type, and bytes chunks of a stream as is', async () => {
    const app = new Roll()
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80])
    app.route('/bytes', (request, response) => { response.body = new Uint8Array(bytes) })
    app.route('/stream', (request, response) => {
      response.body = (async function* () { yield new Uint8Array(bytes); yield 'é' })()
    })
    const client = createClient(app)
    const plain = await client.get('/bytes')
    expect([plain.body, plain.headers['content-type'], plain.headers['content-length']]).toEqual([bytes, undefined, '4'])
    expect((await client.get('/stream')).body).toEqual(Buffer.concat([bytes, Buffer.from('é')]))
    served = await serve(app, { port: 0 })
    const answer = await new Promise<Buffer>((resolve, reject) => {
      httpRequest(`${served!.url}/stream`, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve(Buffer.concat(chunks)))
      }).on('error', reject).end()
    })
    expect(answer).toEqual(Buffer.concat([bytes, Buffer.from('é')]))
    await client.close()
  })

  it('does not call return() of a body iterator that finished or failed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Roll()
    const returns: string[] = []
    const body = (name: string, fail: boolean): AsyncIterable<string> => ({
      [Symbol.asyncIterator]: () => {
        let pulls = 0
        return {
          next: async () => {
            pulls++
            if (pulls === 1) return { value: `${name} `, done: false }
            if (fail) throw new Error(`${name} failed`)
            return { value: undefined, done: true }
          },
          return: async () => {
            returns.push(name)
            return { value: undefined, done: true }
          },
        }
      },
    })
    app.route('/done', (request, response) => { response.body = body('done', false) })
    app.route('/fails', (request, response) => { response.body = body('fails', true) })
    const client = createClient(app)
    expect((await client.get('/done')).text).toBe('done ')
    await expect(client.get('/fails')).rejects.toThrow('cut short')
    served = await serve(app, { port: 0 })
    expect(parse(await rawExchange(served.port, get('/done', 'Connection: close\r\n'))).body).toBe('done ')
    expect(await rawExchange(served.port, get('/fails'))).toContain('fails ')
    expect(returns).toEqual([])
    await client.close()
  })

  it('close() does not wait for a request whose client left before its answer', async () => {
    const app = helloApp()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let started = false
    let answered = false
    app.route('/slow', async (request, response) => {
      started = true
      await held
      response.body = 'too late'
      answered = true
    })
    const server = await serve(app, { port: 0, drainTimeout: 60_000 })
    const connection = await rawConnection(server.port)
    connection.socket.write(get('/slow'))
    await waitUntil('the handler to start', () => started)
    connection.socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = server.close().then(() => 'closed')
    release()
    expect(await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 8000, 'still waiting'))])).toBe('closed')
    expect(answered).toBe(true)
  }, 20_000)
})

