// The request a handler receives (Roll's test_request.py): headers, path, query and its
// casts, cookies, urlencoded/multipart/JSON bodies, lazy bodies, the body limit, and
// Request/Roll as Maps and swappable classes.
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { Files, Form, HttpError, Multidict, Query, Request, Roll, type RequestSource, type UploadedFile } from '@roll/framework'
import { createClient, createLiveClient, type Client, type RequestOptions } from '@roll/framework/testing'

let clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()))
  clients = []
})

/** Sends one request to a route that hands its Request to `inspect`; resolves to what it returned (or the error response). */
async function inspect<T>(
  url: string,
  inspectRequest: (request: Request) => T | Promise<T>,
  options: RequestOptions & { method?: string; route?: Record<string, unknown> } = {},
): Promise<T> {
  const app = new Roll()
  let result: T
  const { method = 'GET', route = {}, ...requestOptions } = options
  app.route('/{path:any}', { methods: [method], ...route }, async (request) => { result = await inspectRequest(request) })
  const response = await createClient(app).request(method, url, requestOptions)
  if (response.status !== 200) throw new Error(`${response.status} ${response.text}`)
  return result!
}

/** The status and body a route answers when it evaluates `read` on the request. */
async function answer(url: string, read: (request: Request) => unknown, options: RequestOptions & { method?: string } = {}) {
  const app = new Roll()
  const { method = 'GET', ...requestOptions } = options
  app.route('/{path:any}', { methods: [method] }, async (request, response) => { response.body = String(await read(request)) })
  const response = await createClient(app).request(method, url, requestOptions)
  return [response.status, response.text]
}

const BROWSER_HEADERS = {
  Host: 'localhost:1707',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:54.0) Gecko/20100101 Firefox/54.0',
  Accept: '*/*',
  'Accept-Language': 'en-US,en;q=0.5',
  'Accept-Encoding': 'gzip, deflate',
  Origin: 'http://localhost:7777',
  Referer: 'http://localhost:7777/',
  DNT: '1',
  Connection: 'keep-alive',
}

describe.each([
  ['createClient', async (app: Roll): Promise<Client> => createClient(app)],
  ['createLiveClient', (app: Roll): Promise<Client> => createLiveClient(app)],
] as const)('requests through %s', (_name, make) => {
  async function echo(method: string, url: string, options: RequestOptions = {}, app = new Roll()) {
    app.route('/{path:any}', { methods: [method] }, (request, response) => {
      const files = [...request.files].map(([name, list]) => [name, list.map((file) => [file.filename, file.text()])])
      response.json = {
        path: request.path, query: [...request.query], accept: request.headers['ACCEPT'] ?? null, cookies: { ...request.cookies },
        form: [...request.form], files, body: request.contentType.startsWith('application/json') ? request.json : null,
      }
    })
    const client = await make(app)
    clients.push(client)
    return client.request(method, url, options)
  }

  test('give the decoded path, the query, upper-case headers and cookies', async () => {
    const response = await echo('GET', '/caf%C3%A9?a=1&a=2&b=', { headers: { Accept: 'text/plain', Cookie: 'k=v' } })
    expect(response.json).toMatchObject({ path: '/café', query: [['a', ['1', '2']], ['b', ['']]], accept: 'text/plain', cookies: { k: 'v' } })
  })

  test('answer 400 to invalid percent-encoding in the path', async () => {
    expect((await echo('GET', '/bad%zz')).status).toBe(400)
  })

  test('parse JSON, urlencoded and multipart bodies', async () => {
    expect((await echo('POST', '/', { json: { a: [1] } })).json.body).toEqual({ a: [1] })
    expect((await echo('POST', '/', { form: { a: ['1', '2'] } })).json.form).toEqual([['a', ['1', '2']]])
    const multipart = await echo('POST', '/', { form: { f: 'v' }, files: { up: { filename: 'é.txt', data: 'content' } } })
    expect(multipart.json).toMatchObject({ form: [['f', ['v']]], files: [['up', [['é.txt', 'content']]]] })
  })

  test('answer 400 to garbage bodies', async () => {
    expect((await echo('POST', '/', { body: '{', headers: { 'Content-Type': 'application/json' } })).text).toBe('Unparsable JSON body')
    expect((await echo('POST', '/', { body: 'x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).text).toBe('Unparsable urlencoded body')
  })

  test('answer 413 beyond maxBodySize', async () => {
    expect((await echo('POST', '/', { body: 'x'.repeat(11) }, new Roll({ maxBodySize: 10 }))).status).toBe(413)
  })
})

/** Writes `parts` to a live server of `app` (one write each, a few ms apart); resolves to the raw answer. */
async function rawExchange(app: Roll, ...parts: string[]): Promise<string> {
  const live = await createLiveClient(app)
  clients.push(live)
  return new Promise((resolve, reject) => {
    const socket = connect(live.port, '127.0.0.1', async () => {
      for (const part of parts) {
        socket.write(part)
        await new Promise((done) => setTimeout(done, 10))
      }
    })
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
}

describe('requests on the wire', () => {
  test('read a body that arrives in several packets', async () => {
    const app = new Roll()
    app.route('/feed', { methods: ['POST'] }, (request, response) => { response.body = request.body })
    const raw = await rawExchange(app,
      'POST /feed HTTP/1.1\r\nHost: localhost:1707\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 31\r\n\r\n{"link": "https://',
      'example.org"}')
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(raw).toMatch(/\r\n\r\n\{"link": "https:\/\/example\.org"\}$/)
  })

  test.each([
    ['a malformed request line', 'INVALID HTTP/1.22\r\n\r\n'],
    ['an unknown method', 'SPAM /path HTTP/1.1\r\nContent-Length: 8\r\n\r\nblahblah'],
  ])('answer 400 to %s', async (_kind, request) => {
    const app = new Roll()
    app.route('/path', () => {})
    expect(await rawExchange(app, request)).toMatch(/^HTTP\/1\.1 400 /)
  })
})

describe('request line and headers', () => {
  test('gives the upper-case method, the raw url and the path', async () => {
    const seen = await inspect('/feeds?foo=bar', (request) => [request.method, request.url, request.path, request.queryString])
    expect(seen).toEqual(['GET', '/feeds?foo=bar', '/feeds', 'foo=bar'])
  })

  test('upper-cases header names', async () => {
    const headers = await inspect('/feeds', (request) => request.headers, { headers: BROWSER_HEADERS })
    expect(headers['ACCEPT-LANGUAGE']).toBe('en-US,en;q=0.5')
    expect(headers['ACCEPT']).toBe('*/*')
    expect(headers['HOST']).toBe('localhost:1707')
    expect('DNT' in headers).toBe(true)
    expect(headers['accept']).toBeUndefined()
  })

  test('has shortcuts for referrer, referer, origin, host and content type', async () => {
    const seen = await inspect('/feeds', (request) => [request.referrer, request.referer, request.origin, request.host, request.contentType], {
      method: 'POST', headers: BROWSER_HEADERS, json: { link: 'https://example.org' },
    })
    expect(seen).toEqual(['http://localhost:7777/', 'http://localhost:7777/', 'http://localhost:7777', 'localhost:1707', 'application/json; charset=utf-8'])
  })

  test('gives empty strings for absent header shortcuts', async () => {
    const seen = await inspect('/feeds', (request) => [request.referrer, request.origin, request.host, request.contentType])
    expect(seen).toEqual(['', '', '', ''])
  })

  test('percent-decodes the path', async () => {
    expect(await inspect('/foo%2Bbar', (request) => request.path)).toBe('/foo+bar')
    expect(await inspect('/caf%C3%A9%20noir', (request) => request.path)).toBe('/café noir')
  })

  test('keeps the url as received', async () => {
    expect(await inspect('/foo%2Bbar?a=%20', (request) => request.url)).toBe('/foo%2Bbar?a=%20')
  })

  test.each(['/foo%zz', '/foo%', '/foo%e9'])('answers 400 to the invalid percent-encoding in %s', async (url) => {
    const app = new Roll()
    app.route('/{path:any}', () => {})
    const response = await createClient(app).get(url)
    expect(response.status).toBe(400)
    expect(response.text).toContain('Invalid percent-encoding')
  })
})

describe('request.query', () => {
  test('parses the query string into a multidict', async () => {
    const query = await inspect('/feeds?foo=bar&bar=baz&foo=quux', (request) => request.query)
    expect(query).toBeInstanceOf(Query)
    expect(query.get('foo')).toBe('bar')
    expect(query.list('foo')).toEqual(['bar', 'quux'])
    expect(query.get('bar')).toBe('baz')
    expect([...query]).toEqual([['foo', ['bar', 'quux']], ['bar', ['baz']]])
  })

  test('keeps blank values', async () => {
    const query = await inspect('/?a=&b&c=1', (request) => request.query)
    expect(query.list('a')).toEqual([''])
    expect(query.list('b')).toEqual([''])
  })

  test('decodes plus signs and percent-escapes', async () => {
    expect((await inspect('/?q=a+b%26c', (request) => request.query)).get('q')).toBe('a b&c')
  })

  test('answers 400 "Missing \'key\' key" for a missing key without default', async () => {
    expect(await answer('/?key=value', (request) => request.query.get('other'))).toEqual([400, "Missing 'other' key"])
    expect(await answer('/?key=value', (request) => request.query.list('other'))).toEqual([400, "Missing 'other' key"])
  })

  test('returns the default of a missing key, null and undefined included', async () => {
    const query = await inspect('/?key=value', (request) => request.query)
    expect(query.get('other', 'default')).toBe('default')
    expect(query.get('other', null)).toBeNull()
    expect(query.get('other', undefined)).toBeUndefined()
    expect(query.list('other', [])).toEqual([])
  })

  test.each([
    ['t', true], ['true', true], ['True', true], ['yes', true], ['1', true], ['on', true], ['ON', true],
    ['f', false], ['false', false], ['False', false], ['no', false], ['0', false], ['off', false],
    ['n', null], ['none', null], ['null', null], ['NULL', null],
  ])('bool casts %s to %s', async (value, expected) => {
    expect((await inspect(`/?key=${value}`, (request) => request.query)).bool('key')).toBe(expected)
  })

  test('bool answers 400 naming the key for a value it cannot cast', async () => {
    expect(await answer('/?key=One', (request) => request.query.bool('key'))).toEqual([400, "Wrong boolean value for 'key=one'"])
  })

  test('int casts a value and answers 400 naming the key when it cannot', async () => {
    expect(await answer('/?key=22', (request) => request.query.int('key'))).toEqual([200, '22'])
    expect(await answer('/?key=-7', (request) => request.query.int('key'))).toEqual([200, '-7'])
    expect(await answer('/?key=one', (request) => request.query.int('key'))).toEqual([400, "Key 'key' must be castable to int"])
  })

  test.each(['12abc', '1.5', '', '0x10', '1e3'])('int refuses %j', async (value) => {
    expect(await answer(`/?key=${value}`, (request) => request.query.int('key'))).toEqual([400, "Key 'key' must be castable to int"])
  })

  test('float casts a value and answers 400 naming the key when it cannot', async () => {
    expect(await answer('/?key=2.234', (request) => request.query.float('key'))).toEqual([200, '2.234'])
    expect(await answer('/?key=1e3', (request) => request.query.float('key'))).toEqual([200, '1000'])
    expect(await answer('/?key=one', (request) => request.query.float('key'))).toEqual([400, "Key 'key' must be castable to float"])
  })

  test.each(['1.2.3', '12abc', '', '1,5'])('float refuses %j', async (value) => {
    expect(await answer(`/?key=${value}`, (request) => request.query.float('key'))).toEqual([400, "Key 'key' must be castable to float"])
  })

  test('casts return the default of a missing key and answer 400 without one', async () => {
    const query = await inspect('/?key=one', (request) => request.query)
    expect(query.bool('other', false)).toBe(false)
    expect(query.int('other', 22)).toBe(22)
    expect(query.float('other', 2.234)).toBe(2.234)
    expect(query.int('other', null)).toBeNull()
    expect(query.bool('other', undefined)).toBeUndefined()
    expect(query.float('other', undefined)).toBeUndefined()
    for (const cast of ['bool', 'int', 'float'] as const) {
      expect(() => query[cast]('other')).toThrow(new HttpError(400, "Missing 'other' key"))
    }
  })

  test('a cast still refuses a bad value when a default is given', async () => {
    expect(await answer('/?key=one', (request) => request.query.int('key', 3))).toEqual([400, "Key 'key' must be castable to int"])
  })
})

describe('Multidict, Query, Form and Files', () => {
  test('new Query takes a record or an iterable of pairs', () => {
    expect(new Query({ a: ['1', '2'] }).list('a')).toEqual(['1', '2'])
    expect(new Query([['a', ['1']], ['b', ['x']]]).get('b')).toBe('x')
    expect(new Query().size).toBe(0)
  })

  test('is a Map of lists', () => {
    const query = new Query({ a: ['1'] })
    expect(query).toBeInstanceOf(Map)
    expect(query).toBeInstanceOf(Multidict)
    expect(query.has('a')).toBe(true)
    expect([...query.keys()]).toEqual(['a'])
  })

  test('Form casts as Query does and Files holds uploaded files', () => {
    expect(new Form({ n: ['3'] }).int('n')).toBe(3)
    expect(new Form()).toBeInstanceOf(Query)
    expect(new Files()).toBeInstanceOf(Multidict)
  })
})

describe('request.cookies', () => {
  test('parses one cookie', async () => {
    expect(await inspect('/', (request) => request.cookies['key'], { headers: { Cookie: 'key=value' } })).toBe('value')
  })

  test('parses several cookies', async () => {
    const cookies = await inspect('/', (request) => request.cookies, { headers: { Cookie: 'key=value; other=new_value' } })
    expect({ ...cookies }).toEqual({ key: 'value', other: 'new_value' })
  })

  test('gives undefined for an unknown cookie and an empty record without the header', async () => {
    expect(await inspect('/', (request) => request.cookies['foo'], { headers: { Cookie: 'key=value' } })).toBeUndefined()
    expect({ ...(await inspect('/', (request) => request.cookies)) }).toEqual({})
  })

  test('give undefined for names that Object.prototype holds, as for headers', async () => {
    const seen = await inspect('/', (request) => [request.cookies['constructor'], request.cookies['toString'], request.headers['CONSTRUCTOR'], request.headers['constructor']], {
      headers: { Cookie: 'key=value' },
    })
    expect(seen).toEqual([undefined, undefined, undefined, undefined])
  })
})

describe('request.form and request.files', () => {
  test('parse an urlencoded body', async () => {
    const form = await inspect('/test', (request) => request.form, { method: 'POST', form: { foo: 'bar' } })
    expect(form).toBeInstanceOf(Form)
    expect(form.get('foo')).toBe('bar')
  })

  test('keep every value of an urlencoded key', async () => {
    const form = await inspect('/test', (request) => request.form, { method: 'POST', form: { foo: ['bar', 'baz'] } })
    expect(form.get('foo')).toBe('bar')
    expect(form.list('foo')).toEqual(['bar', 'baz'])
  })

  test('answer 400 "Unparsable urlencoded body" to a pair without =', async () => {
    const options = { method: 'POST', body: 'foo', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
    expect(await answer('/post', (request) => request.form, options)).toEqual([400, 'Unparsable urlencoded body'])
  })

  test('are empty for a body of another type', async () => {
    const [form, files] = await inspect('/test', (request) => [request.form, request.files], { method: 'POST', json: { a: 1 } })
    expect([form.size, files.size]).toEqual([0, 0])
  })

  const MULTIPART = [
    '--foofoo',
    'Content-Disposition: form-data; name=baz; filename="baz.png"',
    'Content-Type: image/png',
    '',
    'abcdef',
    '--foofoo',
    'Content-Disposition: form-data; name="text1"',
    '',
    'abc',
    '--foofoo--',
  ].join('\r\n')

  test('parse a multipart body', async () => {
    const [form, files] = await inspect('/post', (request) => [request.form, request.files] as const, {
      method: 'POST', body: MULTIPART, headers: { 'Content-Type': 'multipart/form-data; boundary=foofoo' },
    })
    expect(form.get('text1')).toBe('abc')
    const file = files.get('baz') as UploadedFile
    expect(file.filename).toBe('baz.png')
    expect(file.contentType).toBe('image/png')
    expect(file.data).toEqual(Buffer.from('abcdef'))
    expect(file.size).toBe(6)
    expect(file.text()).toBe('abcdef')
  })

  test.each([
    ["filename*=iso-8859-1''baz-%E9.png", 'baz-é.png'],
    ["filename*=UTF-8''%E2%82%AC%20rates.png", '€ rates.png'],
    ["filename=\"fallback.png\"; filename*=UTF-8''caf%C3%A9.png", 'café.png'],
  ])('honour RFC 5987 %s', async (disposition, filename) => {
    const body = MULTIPART.replace('filename="baz.png"', disposition)
    const files = await inspect('/post', (request) => request.files, {
      method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=foofoo' },
    })
    expect(files.get('baz').filename).toBe(filename)
  })

  // Roll's test_parse_multipart_filename_star: a quoted value of raw latin-1 bytes.
  test('honour a quoted filename* of raw bytes, as Roll does', async () => {
    const body = Buffer.from(MULTIPART.replace('filename="baz.png"', `filename*="iso-8859-1''baz-\xe9.png"`), 'latin1')
    const [form, files] = await inspect('/post', (request) => [request.form, request.files] as const, {
      method: 'POST', body, headers: { Host: 'localhost:1707', Origin: 'http://localhost:7777', 'Content-Type': 'multipart/form-data; boundary=foofoo' },
    })
    expect(body.length).toBe(195)
    expect(form.get('text1')).toBe('abc')
    const file = files.get('baz') as UploadedFile
    expect([file.filename, file.contentType, file.text()]).toEqual(['baz-é.png', 'image/png', 'abcdef'])
  })

  test('leave a quoted filename* inside uploaded data as it is', async () => {
    const data = `--foofoo\r\nContent-Disposition: form-data; name=x; filename*="utf-8''a b.txt"\r\n`
    const body = MULTIPART.replace('abcdef', data.replace(/foofoo/g, 'other'))
    const files = await inspect('/post', (request) => request.files, {
      method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=foofoo' },
    })
    expect(files.get('baz').text()).toBe(data.replace(/foofoo/g, 'other'))
  })

  test('answer 400 "Unparsable multipart body" to garbage', async () => {
    const options = { method: 'POST', body: '--foofoo--foofoo--', headers: { 'Content-Type': 'multipart/form-data; boundary=foofoo' } }
    expect(await answer('/post', (request) => request.form, options)).toEqual([400, 'Unparsable multipart body'])
    expect(await answer('/post', (request) => request.files, options)).toEqual([400, 'Unparsable multipart body'])
  })

  test.each([
    ['a close delimiter followed by data', '--foofoo--foofoo--'],
    ['a truncated body', '--foofoo\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc'],
    ['a malformed part header', '--foofoo\r\ngarbage\r\n\r\nabc\r\n--foofoo--'],
    ['an empty body', ''],
  ])('answer 400 "Unparsable multipart body" to %s', async (_kind, body) => {
    const options = { method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=foofoo' } }
    expect(await answer('/post', (request) => request.form, options)).toEqual([400, 'Unparsable multipart body'])
  })

  test('accept an epilogue after the close delimiter and a form without parts', async () => {
    const headers = { 'Content-Type': 'multipart/form-data; boundary="foofoo"' }
    const form = await inspect('/post', (request) => request.form, { method: 'POST', body: `${MULTIPART}\r\nepilogue`, headers })
    expect(form.get('text1')).toBe('abc')
    const empty = await inspect('/post', (request) => request.form, { method: 'POST', body: '--foofoo--\r\n', headers })
    expect(empty.size).toBe(0)
  })

  test('answer 400 "Unparsable multipart body" to a multipart type without boundary', async () => {
    const options = { method: 'POST', body: 'whatever', headers: { 'Content-Type': 'multipart/form-data' } }
    expect(await answer('/post', (request) => request.form, options)).toEqual([400, 'Unparsable multipart body'])
  })

  test.each([['a string', 'filecontent'], ['bytes', Buffer.from('filecontent')], ['a Uint8Array', new TextEncoder().encode('filecontent')]])(
    'receive files the test client uploads as %s, with form fields', async (_kind, data) => {
      const app = new Roll()
      app.route('/test', { methods: ['POST'] }, (request, response) => {
        expect(request.files.get('afile').filename).toBe('afile.txt')
        expect(request.form.get('field')).toBe('value')
        response.body = request.files.get('afile').data
      })
      const response = await createClient(app).post('/test', { files: { afile: { filename: 'afile.txt', data } }, form: { field: 'value' } })
      expect(response.status).toBe(200)
      expect(response.text).toBe('filecontent')
    })

  test('keep several files under one field', async () => {
    const files = await inspect('/test', (request) => request.files, {
      method: 'POST', files: { docs: [{ filename: 'a.txt', data: 'A' }, { filename: 'b.txt', data: 'B', contentType: 'text/plain' }] },
    })
    expect(files.list('docs').map((file) => [file.filename, file.contentType, file.text()]))
      .toEqual([['a.txt', 'application/octet-stream', 'A'], ['b.txt', 'text/plain', 'B']])
  })
})

describe('request.json', () => {
  test('parses a JSON body', async () => {
    expect(await inspect('/test', (request) => request.json, { method: 'POST', json: { foo: 'bar' } })).toEqual({ foo: 'bar' })
  })

  test('is cached: assigning the body afterwards does not re-parse it', async () => {
    const seen = await inspect('/test', (request) => {
      const before = [request.body.toString(), request.json]
      request.body = Buffer.from('{"baz": "quux"}')
      return [...before, request.json]
    }, { method: 'POST', json: { foo: 'bar' } })
    expect(seen).toEqual(['{"foo":"bar"}', { foo: 'bar' }, { foo: 'bar' }])
  })

  test('answers 400 "Unparsable JSON body" to invalid JSON', async () => {
    expect(await answer('/test', (request) => request.json, { method: 'POST', body: '{"foo' })).toEqual([400, 'Unparsable JSON body'])
    expect(await answer('/test', (request) => request.json, { method: 'POST' })).toEqual([400, 'Unparsable JSON body'])
  })

  test('answers 400 "Unparsable JSON body" to a body that is not UTF-8, as Roll does', async () => {
    const body = Buffer.from('{"name": "caf\xe9"}', 'latin1')
    expect(await answer('/test', (request) => request.json, { method: 'POST', body })).toEqual([400, 'Unparsable JSON body'])
  })
})

describe('request bodies', () => {
  test('are loaded before the handler', async () => {
    expect((await inspect('/feed', (request) => request.body, { method: 'POST', body: '{"link": "https://example.org"}' })).toString())
      .toBe('{"link": "https://example.org"}')
  })

  test('are an empty Buffer when the request has none', async () => {
    expect(await inspect('/', (request) => request.body)).toEqual(Buffer.alloc(0))
  })

  test('can be assigned', async () => {
    expect(await inspect('/', (request) => { request.body = Buffer.from('new'); return request.body.toString() })).toBe('new')
  })

  test('answer 413 beyond maxBodySize', async () => {
    const app = new Roll({ maxBodySize: 10 })
    app.route('/test', { methods: ['POST'] }, (request, response) => { response.body = request.body })
    const client = createClient(app)
    expect((await client.post('/test', { body: '0123456789' })).text).toBe('0123456789')
    expect((await client.post('/test', { body: '0123456789+' })).status).toBe(413)
  })

  test('maxBodySize 0 allows no body at all', async () => {
    const app = new Roll({ maxBodySize: 0, maxMessageSize: 0 })
    expect([app.maxBodySize, app.maxMessageSize]).toEqual([0, 0])
    app.route('/test', { methods: ['POST'] }, (request, response) => { response.body = 'read' })
    const client = createClient(app)
    expect((await client.post('/test')).status).toBe(200)
    expect((await client.post('/test', { body: 'x' })).status).toBe(413)
  })

  test('default maxBodySize is 1 MiB', async () => {
    const app = new Roll()
    expect(app.maxBodySize).toBe(1024 * 1024)
    app.route('/test', { methods: ['POST'] }, (request, response) => { response.body = String(request.body.length) })
    const client = createClient(app)
    expect((await client.post('/test', { body: Buffer.alloc(1024 * 1024) })).text).toBe(String(1024 * 1024))
    expect((await client.post('/test', { body: Buffer.alloc(1024 * 1024 + 1) })).status).toBe(413)
  })

  test('new Roll throws a RangeError for a negative maxBodySize', () => {
    expect(() => new Roll({ maxBodySize: -1 })).toThrow(new RangeError('new Roll(): maxBodySize must be a number of bytes ≥ 0, got -1.'))
    expect(() => new Roll({ maxMessageSize: -1 })).toThrow(new RangeError('new Roll(): maxMessageSize must be a number of bytes ≥ 0, got -1.'))
  })

  test('answer 413 to a declared Content-Length over maxBodySize before any body is sent', async () => {
    const app = new Roll({ maxBodySize: 1000 })
    app.route('/test', { methods: ['POST'] }, () => {})
    const live = await createLiveClient(app)
    clients.push(live)
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(live.port, '127.0.0.1', () => {
        socket.write('POST /test HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n')
      })
      socket.once('data', (chunk) => { resolve(chunk.toString('latin1')); socket.destroy() })
      socket.on('error', reject)
    })
    expect(head).toMatch(/^HTTP\/1\.1 413 /)
  })

  test('answer 413 as soon as a chunked body grows past maxBodySize', async () => {
    const app = new Roll({ maxBodySize: 1000 })
    let handled = false
    app.route('/test', { methods: ['POST'] }, () => { handled = true })
    const live = await createLiveClient(app)
    clients.push(live)
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(`${live.url}/test`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (incoming) => {
        incoming.resume()
        resolve(incoming.statusCode!)
        outgoing.destroy()
      })
      outgoing.on('error', reject)
      outgoing.write(Buffer.alloc(600))
      outgoing.write(Buffer.alloc(600))
      // The rest never comes: the server must answer without waiting for it.
    })
    expect(status).toBe(413)
    expect(handled).toBe(false)
  })
})

describe('lazy bodies', () => {
  const lazy = { method: 'POST', route: { lazyBody: true } }

  test('throw "Trying to consume lazy body" until loaded', async () => {
    const error = await inspect('/test', (request) => {
      try { request.body } catch (error) { return error }
    }, { ...lazy, body: 'blah' })
    expect(error).toBeInstanceOf(HttpError)
    expect([(error as HttpError).status, (error as HttpError).message]).toEqual([500, 'Trying to consume lazy body'])
  })

  test('can be loaded by hand, twice', async () => {
    const body = await inspect('/test', async (request) => {
      await request.loadBody()
      await request.loadBody()
      return request.body.toString()
    }, { ...lazy, body: 'blah' })
    expect(body).toBe('blah')
  })

  test('can be read with read()', async () => {
    expect((await inspect('/test', (request) => request.read(), { ...lazy, body: 'blah' })).toString()).toBe('blah')
  })

  test('can be streamed with for await', async () => {
    const body = await inspect('/test', async (request) => {
      const chunks: Uint8Array[] = []
      for await (const chunk of request) chunks.push(chunk)
      return Buffer.concat(chunks).toString()
    }, { ...lazy, body: 'blah'.repeat(1000) })
    expect(body).toBe('blah'.repeat(1000))
  })

  test('stream in several chunks from a live client', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['POST'], lazyBody: true }, async (request, response) => {
      let size = 0
      let chunks = 0
      for await (const chunk of request) { size += chunk.length; chunks++ }
      response.json = { size, chunks: chunks > 1 }
    })
    const live = await createLiveClient(app)
    clients.push(live)
    const response = await live.post('/test', { body: Buffer.alloc(1024 * 1024) })
    expect(response.json).toEqual({ size: 1024 * 1024, chunks: true })
  })

  test('stream past maxBodySize, which bounds loaded bodies only', async () => {
    const app = new Roll({ maxBodySize: 10 })
    app.route('/test', { methods: ['POST'], lazyBody: true }, async (request, response) => {
      let size = 0
      for await (const chunk of request) size += chunk.length
      response.body = String(size)
    })
    expect((await createClient(app).post('/test', { body: Buffer.alloc(100) })).text).toBe('100')
  })

  test('read an empty rest after streaming the whole body from a live client', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['POST'], lazyBody: true }, async (request, response) => {
      let size = 0
      for await (const chunk of request) size += chunk.length
      response.json = { size, rest: (await request.read()).length }
    })
    const live = await createLiveClient(app)
    clients.push(live)
    expect((await live.post('/test', { body: 'hello' })).json).toEqual({ size: 5, rest: 0 })
  })

  test('make for await throw when the client disconnects mid-body', async () => {
    const app = new Roll()
    const outcome = new Promise<string>((resolve) => {
      app.route('/test', { methods: ['POST'], lazyBody: true }, async (request) => {
        try {
          for await (const chunk of request) void chunk
          resolve('ended normally')
        } catch {
          resolve('threw')
        }
      })
    })
    const live = await createLiveClient(app)
    clients.push(live)
    const socket = connect(live.port, '127.0.0.1', () => {
      socket.write('POST /test HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\npartial')
      setTimeout(() => socket.destroy(), 50)
    })
    socket.on('error', () => {})
    expect(await outcome).toBe('threw')
  })

  test('answer 413 when loaded by hand beyond maxBodySize', async () => {
    const app = new Roll({ maxBodySize: 10 })
    app.route('/test', { methods: ['POST'], lazyBody: true }, async (request, response) => { response.body = await request.read() })
    const client = createClient(app)
    expect((await client.post('/test', { body: '0123456789' })).text).toBe('0123456789')
    expect((await client.post('/test', { body: '0123456789+' })).status).toBe(413)
  })

  test('yield the loaded body once when iterated after loading', async () => {
    const chunks = await inspect('/test', async (request) => {
      const chunks: string[] = []
      for await (const chunk of request) chunks.push(Buffer.from(chunk).toString())
      return chunks
    }, { method: 'POST', body: 'blah' })
    expect(chunks).toEqual(['blah'])
  })
})

describe('keys such as __proto__', () => {
  test('never reach a prototype from JSON, query, form or cookies', async () => {
    const seen = await inspect('/test?__proto__=q&constructor=c', (request) => ({
      json: request.json, query: request.query.get('__proto__'), cookies: request.cookies,
    }), { method: 'POST', json: JSON.parse('{"__proto__": {"polluted": "json"}}'), headers: { Cookie: '__proto__=cookie; polluted=no' } })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(seen.json)).toBe(Object.prototype)
    expect(seen.json.polluted).toBeUndefined()
    expect(seen.query).toBe('q')
    expect(Object.getPrototypeOf(seen.cookies)).not.toHaveProperty('polluted')
    expect(seen.cookies['__proto__']).toBe('cookie')
  })

  test('never reach a prototype from an urlencoded body', async () => {
    const form = await inspect('/test', (request) => request.form, {
      method: 'POST', body: '__proto__=f&constructor=c', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(form.get('__proto__')).toBe('f')
    expect(form.get('constructor')).toBe('c')
    expect(({} as Record<string, unknown>).f).toBeUndefined()
  })
})

describe('Request and Roll as Maps', () => {
  test('a request stores custom data, which the framework never uses', async () => {
    const app = new Roll()
    app.listen('request', (request) => { request.set('user', 'David') })
    app.route('/test', (request, response) => { response.body = `${request.has('user')} ${request.get('user')} ${request.size}` })
    expect((await createClient(app).get('/test')).text).toBe('true David 1')
  })

  test('a request is a Map and knows its app', async () => {
    const app = new Roll()
    const [isMap, itsApp] = await new Promise<[boolean, Roll]>((resolve) => {
      app.route('/test', (request) => resolve([request instanceof Map, request.app]))
      void createClient(app).get('/test')
    })
    expect(isMap).toBe(true)
    expect(itsApp).toBe(app)
  })

  test('the app stores app-wide data', async () => {
    const app = new Roll()
    app.set('websockets', new Set(['a']))
    app.route('/test', (request, response) => { response.body = String((request.app.get('websockets') as Set<string>).size) })
    expect(app).toBeInstanceOf(Map)
    expect((await createClient(app).get('/test')).text).toBe('1')
  })
})

describe('Roll subclasses', () => {
  test('swap the Query class', async () => {
    class MyQuery extends Query {
      date(): string {
        return new Date(Date.UTC(this.int('year'), this.int('month') - 1, this.int('day'))).toISOString().slice(0, 10)
      }
    }
    class MyRoll extends Roll {
      override Query = MyQuery
    }
    const app = new MyRoll()
    app.route('/hello/', (request, response) => { response.body = `Hello ${(request.query as MyQuery).date()}` })
    const response = await createClient(app).get('/hello/?year=2017&month=9&day=20')
    expect(response.text).toBe('Hello 2017-09-20')
  })

  test('swap the Form, Files, Request, Response and Cookies classes', async () => {
    class MyForm extends Form {}
    class MyFiles extends Files {}
    class MyRequest extends Request { get shout() { return this.path.toUpperCase() } }
    class MyResponse extends (new Roll().Response) {}
    class MyCookies extends (new Roll().Cookies) {}
    class MyRoll extends Roll {
      override Form = MyForm
      override Files = MyFiles
      override Request = MyRequest
      override Response = MyResponse
      override Cookies = MyCookies
    }
    const app = new MyRoll()
    app.route('/test', { methods: ['POST'] }, (request, response) => {
      response.json = [
        request.form instanceof MyForm, request.files instanceof MyFiles, (request as MyRequest).shout,
        response instanceof MyResponse, response.cookies instanceof MyCookies,
      ]
    })
    const response = await createClient(app).post('/test', { files: { f: { filename: 'f', data: 'x' } } })
    expect(response.json).toEqual([true, true, '/TEST', true, true])
  })
})

// Requests built by hand from a RequestSource, as a server of one's own (or
// createRequestListener) would: what the framework reads from the source, and when.
describe('a Request made from a RequestSource', () => {
  /** A source yielding `chunks`, iterable as often as asked (as the test client's is). */
  const source = (headers: RequestSource['headers'], chunks: string[] = [], rest: Partial<RequestSource> = {}): RequestSource => ({
    method: 'POST', url: '/test', headers, ...rest,
    async *[Symbol.asyncIterator]() { for (const chunk of chunks) yield Buffer.from(chunk) },
  })
  const multipartBody = (boundary: string, name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${boundary}--\r\n`
  const collect = async (request: Request) => {
    const chunks: string[] = []
    for await (const chunk of request) chunks.push(Buffer.from(chunk).toString())
    return chunks
  }

  test('defaults to GET / and belongs to no route until routed', () => {
    const request = new Request(new Roll(), { headers: {}, async *[Symbol.asyncIterator]() {} })
    expect([request.method, request.url, request.path, request.queryString]).toEqual(['GET', '/', '/', ''])
    expect(request.route).toEqual({ payload: null, vars: {} })
  })

  test('gives the query string even when it is read before the path', () => {
    expect(new Request(new Roll(), source({}, [], { url: '/test?a=1&b=2' })).queryString).toBe('a=1&b=2')
    expect(new Request(new Roll(), source({}, [], { url: '/test' })).queryString).toBe('')
  })

  test('joins a header given as a list and leaves out headers without a value', () => {
    const request = new Request(new Roll(), source({ 'x-list': ['a', 'b'], 'x-none': undefined, accept: '*/*' }))
    expect(request.headers).toEqual({ 'X-LIST': 'a, b', ACCEPT: '*/*' })
    expect(Object.keys(request.headers)).toEqual(['X-LIST', 'ACCEPT'])
  })

  test('reads no body when the headers announce none (no Transfer-Encoding, no Content-Length or 0)', async () => {
    for (const headers of [{}, { 'content-length': '0' }]) {
      const request = new Request(new Roll(), source(headers, ['unannounced']))
      expect((await request.read()).toString()).toBe('')
      expect(await collect(new Request(new Roll(), source(headers, ['unannounced'])))).toEqual([])
    }
  })

  test('reads the body that Content-Length or Transfer-Encoding announces', async () => {
    for (const headers of [{ 'content-length': '5' }, { 'transfer-encoding': 'chunked' }]) {
      expect((await new Request(new Roll(), source(headers, ['he', 'llo'])).read()).toString()).toBe('hello')
    }
  })

  test('keeps a body assigned by hand when loading and streaming it', async () => {
    const request = new Request(new Roll(), source({ 'content-length': '8' }, ['original']))
    request.body = Buffer.from('assigned')
    await request.loadBody()
    expect(request.body.toString()).toBe('assigned')
    expect(await collect(request)).toEqual(['assigned'])
    const empty = new Request(new Roll(), source({}))
    empty.body = Buffer.from('by hand')
    expect((await empty.read()).toString()).toBe('by hand')
  })

  test('streams nothing, not an empty chunk, for an empty loaded body', async () => {
    const request = new Request(new Roll(), source({}))
    await request.loadBody()
    expect(await collect(request)).toEqual([])
  })

  test('parses a multipart body assigned by hand once loadBody is called, and refuses to before', async () => {
    const type = 'multipart/form-data; boundary=b'
    const request = new Request(new Roll(), source({ 'content-type': type, 'content-length': '99' }, [multipartBody('b', 'from', 'source')]))
    request.body = Buffer.from(multipartBody('b', 'from', 'hand'))
    expect(() => request.form).toThrow(new HttpError(500, 'Multipart body not parsed: call `await request.loadBody()` after assigning `request.body`'))
    void request.loadBody()
    // A second call while the first parses waits for the same parse.
    await request.loadBody()
    expect(request.form.get('from')).toBe('hand')
  })

  test('answers 400 naming the disconnection, with its cause, when the client leaves mid-body', async () => {
    const failure = new Error('socket hang up')
    const request = new Request(new Roll(), {
      method: 'POST', url: '/test', headers: { 'content-length': '10' },
      async *[Symbol.asyncIterator]() { yield Buffer.from('half'); throw failure },
    })
    const error = await request.loadBody().catch((error: unknown) => error)
    expect(error).toEqual(new HttpError(400, 'The client closed the connection before the whole body arrived'))
    expect((error as HttpError).cause).toBe(failure)
  })

  test('gives the SyntaxError as the cause of a 400 for invalid JSON', () => {
    const request = new Request(new Roll(), source({}))
    request.body = Buffer.from('{')
    const error = (() => { try { request.json } catch (error) { return error } })() as HttpError
    expect([error.status, error.message]).toEqual([400, 'Unparsable JSON body'])
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  test('computes headers, query, form and files once: what a listener changes there, the handler sees', async () => {
    const app = new Roll()
    app.listen('request', (request) => {
      request.headers['X-USER'] = 'ada'
      request.query.add('page', '2')
      request.form.add('extra', 'yes')
      request.files.add('none', { filename: '', contentType: '', data: Buffer.alloc(0), size: 0, text: () => '' })
    })
    app.route('/test', { methods: ['POST'] }, (request, response) => {
      response.json = [request.headers['X-USER'], request.query.get('page'), request.form.get('extra'), request.files.size]
    })
    const response = await createClient(app).post('/test', { form: { a: 1 } })
    expect(response.json).toEqual(['ada', '2', 'yes', 1])
  })
})

describe('request targets', () => {
  test('take the path and query of an absolute-form target, as sent to proxies', async () => {
    const seen = await inspect('http://example.org/hello/world?name=x', (request) => [request.path, request.queryString, request.url])
    expect(seen).toEqual(['/hello/world', 'name=x', 'http://example.org/hello/world?name=x'])
  })

  test('answer 400 to a target that is neither a path nor an absolute URL', async () => {
    const response = await createClient(new Roll()).get('nowhere')
    expect([response.status, response.text]).toEqual([400, "Invalid request target 'nowhere'"])
  })

  test('route the asterisk-form target of OPTIONS * as the path *', async () => {
    const app = new Roll()
    app.route('*', { methods: ['OPTIONS'] }, (request, response) => { response.body = request.path })
    const response = await createClient(app).options('*')
    expect([response.status, response.text]).toEqual([200, '*'])
  })
})

describe('request bodies of a lazy route', () => {
  test('answer 500 "Trying to consume lazy body" when request.json is read before loading', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['POST'], lazyBody: true }, (request, response) => { response.json = request.json })
    const response = await createClient(app).post('/test', { json: { a: 1 } })
    expect([response.status, response.text]).toEqual([500, 'Trying to consume lazy body'])
  })
})

describe('urlencoded bodies', () => {
  test('give an empty form for an empty body', async () => {
    const form = await inspect('/test', (request) => [...request.form], { method: 'POST', body: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(form).toEqual([])
  })

  test('are parsed when the Content-Type has parameters', async () => {
    const form = await inspect('/test', (request) => [...request.form], {
      method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    })
    expect(form).toEqual([['a', ['1']]])
  })
})

describe('multipart bodies', () => {
  const post = (app: Roll, type: string, body: string) => createClient(app).post('/test', { body, headers: { 'Content-Type': type } })
  const formApp = (maxBodySize?: number) => {
    const app = new Roll({ maxBodySize })
    app.route('/test', { methods: ['POST'] }, (request, response) => { response.json = [...request.form] })
    return app
  }

  test('answer 400 to data after the close delimiter of a quoted boundary', async () => {
    const body = '--my-boundary\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--my-boundary--garbage'
    const response = await post(formApp(), 'multipart/form-data; boundary="my-boundary"', body)
    expect([response.status, response.text]).toEqual([400, 'Unparsable multipart body'])
    const good = await post(formApp(), 'multipart/form-data; boundary="my-boundary"', body.replace('garbage', '\r\n'))
    expect([good.status, good.json]).toEqual([200, [['a', ['1']]]])
  })

  test('keep a field larger than 1 MiB whole when maxBodySize allows it', async () => {
    const value = 'x'.repeat(1024 * 1024 + 10)
    const response = await post(formApp(4 * 1024 * 1024), 'multipart/form-data; boundary=b', `--b\r\nContent-Disposition: form-data; name="big"\r\n\r\n${value}\r\n--b--\r\n`)
    expect(response.status).toBe(200)
    expect(response.json[0][1][0].length).toBe(value.length)
  })
})

describe('Query casts', () => {
  test('int and float ignore spaces around the value', async () => {
    const seen = await inspect('/test?n=%2012%20&f=%201.5%20', (request) => [request.query.int('n'), request.query.float('f')])
    expect(seen).toEqual([12, 1.5])
  })

  test('a key holding an empty list counts as missing', () => {
    const query = new Query({ a: [] })
    expect(query.get('a', 'fallback')).toBe('fallback')
    expect(() => query.get('a')).toThrow(new HttpError(400, "Missing 'a' key"))
  })
})
