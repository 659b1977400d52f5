// The response a handler fills in (Roll's test_response.py): status, headers, every kind
// of body, the json/redirect setters, cookies, and the framing rules. Key behaviours run
// through both clients; what is only visible on the wire is read from a raw socket.
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { HTTPStatus, Request, Response, Roll, type Cookies, type Handler } from '@roll/framework'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'

let clients: Client[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(clients.map((client) => client.close()))
  clients = []
})

const CLIENTS = [
  ['createClient', async (app: Roll): Promise<Client> => createClient(app)],
  ['createLiveClient', (app: Roll): Promise<Client> => createLiveClient(app)],
] as const

/** One GET /test (or `method`) answered by `handler`, through the client `make` builds. */
async function send(make: (app: Roll) => Promise<Client>, handler: Handler, method = 'GET') {
  const app = new Roll()
  app.route('/test', { methods: [method] }, handler)
  const client = await make(app)
  clients.push(client)
  return client.request(method, '/test')
}

/** The raw bytes a live server writes for one request to a route answered by `handler`. */
async function wire(handler: Handler, method = 'GET'): Promise<string> {
  const app = new Roll()
  app.route('/test', { methods: [method] }, handler)
  const live = await createLiveClient(app)
  clients.push(live)
  return new Promise((resolve, reject) => {
    const socket = connect(live.port, '127.0.0.1', () => {
      socket.write(`${method} /test HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
    })
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
}

async function* chunks(...items: unknown[]) {
  for (const item of items) yield item
}

describe.each(CLIENTS)('response through %s', (_name, make) => {
  test('has status 200, an empty body and text/plain by default', async () => {
    const response = await send(make, () => {})
    expect(response.status).toBe(200)
    expect(response.text).toBe('')
    expect(response.headers['content-length']).toBe('0')
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  test('takes a status from a number or from HTTPStatus', async () => {
    expect((await send(make, (_request, response) => { response.status = 202 })).status).toBe(202)
    expect((await send(make, (_request, response) => { response.status = HTTPStatus.ACCEPTED })).status).toBe(202)
  })

  test('answers 500 when the handler sets an unknown status', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await send(make, (_request, response) => { response.status = 999 })
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
  })

  test('sends a string body as UTF-8 text/plain with its byte length', async () => {
    const response = await send(make, (_request, response) => { response.body = 'héllo' })
    expect(response.text).toBe('héllo')
    expect(response.headers['content-length']).toBe('6')
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  test('keeps a Content-Type set in any case', async () => {
    const response = await send(make, (_request, response) => {
      response.headers['content-type'] = 'text/html'
      response.body = '<p>hi</p>'
    })
    expect(response.headers['content-type']).toBe('text/html')
  })

  test('sends a Buffer body as it is, without adding a Content-Type', async () => {
    const response = await send(make, (_request, response) => { response.body = Buffer.from([0, 1, 2, 255]) })
    expect(response.body).toEqual(Buffer.from([0, 1, 2, 255]))
    expect(response.headers['content-length']).toBe('4')
    expect(response.headers['content-type']).toBeUndefined()
  })

  test('sends a Uint8Array body as it is', async () => {
    const response = await send(make, (_request, response) => { response.body = new Uint8Array([104, 105]) })
    expect(response.text).toBe('hi')
    expect(response.headers['content-length']).toBe('2')
  })

  test('sends any other body as String(body)', async () => {
    expect((await send(make, (_request, response) => { response.body = 42 })).text).toBe('42')
    expect((await send(make, (_request, response) => { response.body = { toString: () => 'custom' } })).text).toBe('custom')
    expect((await send(make, (_request, response) => { response.body = null })).text).toBe('null')
  })

  test('streams an async iterable body without Content-Length', async () => {
    const response = await send(make, (_request, response) => { response.body = chunks('chunk0', Buffer.from('chunk1'), new Uint8Array([50])) })
    expect(response.text).toBe('chunk0chunk12')
    expect(response.headers['content-length']).toBeUndefined()
  })

  test('streams a Node Readable body, which is an async iterable', async () => {
    const response = await send(make, (_request, response) => { response.body = Readable.from([Buffer.from('a'), Buffer.from('b')]) })
    expect(response.text).toBe('ab')
    expect(response.headers['content-length']).toBeUndefined()
  })

  test('sends items of an async iterable body that are not bytes as String(item)', async () => {
    const response = await send(make, (_request, response) => { response.body = chunks(0, 1, 2, { toString: () => '!' }) })
    expect(response.text).toBe('012!')
  })

  test('writes custom headers, numbers and lists included', async () => {
    const response = await send(make, (_request, response) => {
      response.headers['X-Custom'] = 'value'
      response.headers['X-Count'] = 3
      response.headers['X-List'] = ['a', 'b']
    })
    expect(response.headers['x-custom']).toBe('value')
    expect(response.headers['x-count']).toBe('3')
    expect(response.headers['x-list']).toBe('a, b')
  })

  test('replaces a Content-Length set by hand, whatever its case', async () => {
    const response = await send(make, (_request, response) => {
      response.headers['content-length'] = 99
      response.body = 'hello'
    })
    expect(response.text).toBe('hello')
    expect(response.headers['content-length']).toBe('5')
  })

  test('json sets the body and an application/json Content-Type', async () => {
    const response = await send(make, (_request, response) => { response.json = { some: 'dict', list: [1, 2] } })
    expect(response.json).toEqual({ some: 'dict', list: [1, 2] })
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
  })

  test('redirect sets the Location header and the status', async () => {
    const response = await send(make, (_request, response) => { response.redirect = ['https://example.org', 307] })
    expect(response.status).toBe(307)
    expect(response.headers['location']).toBe('https://example.org')
  })

  test('redirect defaults to 302', async () => {
    const response = await send(make, (_request, response) => { response.redirect = ['/elsewhere'] })
    expect(response.status).toBe(302)
    expect(response.headers['location']).toBe('/elsewhere')
  })

  test.each([
    [204, 'GET'], [304, 'GET'], [200, 'HEAD'],
  ])('sends no body and no Content-Length for a %i answer to %s', async (status, method) => {
    const response = await send(make, (_request, response) => {
      response.status = status
      response.body = 'ignored'
    }, method)
    expect(response.status).toBe(status)
    expect(response.body.length).toBe(0)
    expect(response.headers['content-length']).toBeUndefined()
  })

  test('sends one Set-Cookie header per cookie', async () => {
    const response = await send(make, (_request, response) => {
      response.cookies.set('name', 'value')
      response.cookies.set('other', 'value2')
    })
    expect(response.headers['set-cookie']).toEqual(['name=value; Path=/', 'other=value2; Path=/'])
  })

  test('adds cookies to a Set-Cookie header set by hand', async () => {
    const response = await send(make, (_request, response) => {
      response.headers['Set-Cookie'] = 'manual=1'
      response.cookies.set('name', 'value')
    })
    expect(response.headers['set-cookie']).toEqual(['manual=1', 'name=value; Path=/'])
  })
})

describe('response.cookies', () => {
  const setCookie = async (set: Parameters<Cookies['set']>) => {
    const response = await send(async (app) => createClient(app), (_request, response) => { response.cookies.set(...set) })
    return response.headers['set-cookie']
  }

  test.each([
    [['name', 'value'], 'name=value; Path=/'],
    [['name', 'value', { path: '/foo' }], 'name=value; Path=/foo'],
    [['name', 'value', { expires: new Date(Date.UTC(2027, 8, 21, 11, 22)) }], 'name=value; Path=/; Expires=Tue, 21 Sep 2027 11:22:00 GMT'],
    [['name', 'value', { maxAge: 600 }], 'name=value; Max-Age=600; Path=/'],
    [['name', 'value', { domain: 'www.example.com' }], 'name=value; Domain=www.example.com; Path=/'],
    [['name', 'value', { httpOnly: true }], 'name=value; Path=/; HttpOnly'],
    [['name', 'value', { secure: true }], 'name=value; Path=/; Secure'],
    [['name', 'value', { sameSite: 'Lax' }], 'name=value; Path=/; SameSite=Lax'],
    [['name', 'value', { sameSite: 'strict' }], 'name=value; Path=/; SameSite=Strict'],
    [['name', 'value', { sameSite: 'None', secure: true }], 'name=value; Path=/; Secure; SameSite=None'],
    [['name', 'value', { secure: true, maxAge: 300 }], 'name=value; Max-Age=300; Path=/; Secure'],
    [['name', 'a value;with=specials'], 'name=a%20value%3Bwith%3Dspecials; Path=/'],
  ] as const)('set(%j) sends %s', async (args, expected) => {
    expect(await setCookie(args as never)).toEqual([expected])
  })

  test('delete removes a cookie set earlier on the response', async () => {
    const response = await send(async (app) => createClient(app), (_request, response) => {
      response.cookies.set('name', 'value')
      response.cookies.set('kept', 'yes')
      expect(response.cookies.delete('name')).toBe(true)
      expect(response.cookies.delete('never-set')).toBe(false)
    })
    expect(response.headers['set-cookie']).toEqual(['kept=yes; Path=/'])
  })

  test('has tells whether a cookie is set on the response, and size how many are', async () => {
    const response = await send(async (app) => createClient(app), (_request, response) => {
      expect([response.cookies.has('name'), response.cookies.size]).toEqual([false, 0])
      response.cookies.set('name', 'value').set('other', 'value')
      expect([response.cookies.has('name'), response.cookies.has('unset'), response.cookies.size]).toEqual([true, false, 2])
      response.cookies.delete('name')
      expect([response.cookies.has('name'), response.cookies.size]).toEqual([false, 1])
    })
    expect(response.status).toBe(200)
  })

  test('set replaces a cookie of the same name', async () => {
    const response = await send(async (app) => createClient(app), (_request, response) => {
      response.cookies.set('name', 'old').set('name', 'new', { path: '/new' })
    })
    expect(response.headers['set-cookie']).toEqual(['name=new; Path=/new'])
  })

  test('set throws a TypeError for a name a cookie cannot hold', async () => {
    const error = await new Promise((resolve) => {
      void send(async (app) => createClient(app), (_request, response) => {
        try { response.cookies.set('bad name;', 'value') } catch (error) { resolve(error) }
      })
    })
    expect(error).toBeInstanceOf(TypeError)
  })
})

describe('response on the wire', () => {
  test('sends the status line, Content-Length and the body', async () => {
    const raw = await wire((_request, response) => {
      response.status = HTTPStatus.ACCEPTED
      response.body = 'body'
    })
    expect(raw).toMatch(/^HTTP\/1\.1 202 Accepted\r\n/)
    expect(raw).toMatch(/\r\nContent-Length: 4\r\n/)
    expect(raw).toMatch(/\r\n\r\nbody$/)
  })

  test('writes header names with the case given', async () => {
    const raw = await wire((_request, response) => { response.headers['X-CamelCase-Header'] = 'v' })
    expect(raw).toContain('\r\nX-CamelCase-Header: v\r\n')
  })

  test('sends an async iterable body chunked', async () => {
    const raw = await wire((_request, response) => { response.body = chunks('chunk0', 'chunk1', 2) })
    expect(raw).toContain('\r\nTransfer-Encoding: chunked\r\n')
    expect(raw).not.toContain('Content-Length')
    expect(raw).toMatch(/\r\n\r\n6\r\nchunk0\r\n6\r\nchunk1\r\n1\r\n2\r\n0\r\n\r\n$/)
  })

  test.each([[100, 'Continue'], [204, 'No Content'], [304, 'Not Modified']])('sends no body and no Content-Length for %i', async (status, phrase) => {
    const raw = await wire((_request, response) => {
      response.status = status
      response.body = 'ignored'
    })
    expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 ${status} ${phrase}\\r\\n`))
    expect(raw).not.toContain('Content-Length')
    expect(raw).toMatch(/\r\n\r\n$/)
  })

  test('sends no body and no Content-Length for HEAD', async () => {
    const raw = await wire((_request, response) => { response.body = 'ignored' }, 'HEAD')
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(raw).not.toContain('Content-Length')
    expect(raw).toMatch(/\r\n\r\n$/)
  })

  test('cuts the connection without a terminating chunk when the body stream fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const raw = await wire((_request, response) => {
      response.body = (async function* () {
        yield 'partial'
        throw new Error('stream failed')
      })()
    })
    expect(raw).toContain('partial')
    expect(raw).not.toMatch(/0\r\n\r\n$/)
  })
})

describe('response body stream failures in process', () => {
  test('make createClient reject rather than return a complete response', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Roll()
    app.route('/test', (_request, response) => {
      response.body = (async function* () {
        yield 'partial'
        throw new Error('stream failed')
      })()
    })
    await expect(createClient(app).get('/test')).rejects.toThrow('cut short')
  })
})

describe('response.status', () => {
  test('throws a RangeError naming an unknown code, and keeps the status it had', () => {
    const app = new Roll()
    const response = new Response(app, new Request(app, { headers: {}, async *[Symbol.asyncIterator]() {} }))
    response.status = HTTPStatus.CREATED
    expect(() => { response.status = 999 }).toThrow(new RangeError('response.status: 999 is not a known HTTP status code; use one of HTTPStatus.'))
    expect(response.status).toBe(201)
  })
})

describe('writing a response', () => {
  test('sends no Set-Cookie header when every cookie set was deleted again', async () => {
    const response = await send(async (app) => createClient(app), (_request, response) => {
      response.cookies.set('name', 'value')
      response.cookies.delete('name')
    })
    expect(response.headers['set-cookie']).toBeUndefined()
  })

  test('logs why a body stream failed', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failure = new Error('stream failed')
    await expect(send(async (app) => createClient(app), (_request, response) => {
      response.body = (async function* () { yield 'partial'; throw failure })()
    })).rejects.toThrow('the response was cut short')
    expect(logged).toHaveBeenCalledWith('[roll] the response body stream failed; the connection was closed:', failure)
  })

  test('answers a plain 500 to a header Node refuses to write, and logs the refusal', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await send(createLiveClient, (_request, response) => { response.headers['X-Bad'] = 'a\r\nb' })
    expect([response.status, response.text]).toEqual([500, 'Internal Server Error'])
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^\[roll\] GET \/test failed with 500 Internal Server Error: TypeError: .*X-Bad/))
  })
})
