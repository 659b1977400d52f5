// app.route, what the app answers: placeholders reaching the handler, the first route that
// matches, 404 and 405, merging, route options on the payload, malformed paths, the curried
// form, and class views (Roll's test_class_views.py). What path matches what is router.test.ts.
import { describe, expect, test } from 'vitest'
import { HTTP_METHODS, HttpError, HTTPStatus, Roll, Router, type Request, type Response, type RoutePayload, type RouterLike } from '@roll/framework'
import { createClient } from '@roll/framework/testing'

const echoVars = (request: Request, response: Response) => { response.json = request.route.vars }

async function varsOf(path: string, url: string) {
  const app = new Roll()
  app.route(path, echoVars)
  const response = await createClient(app).get(url)
  return response.status === 200 ? response.json : response.status
}

describe('app.route placeholders', () => {
  test('passes the placeholders to the handler as its third argument', async () => {
    const app = new Roll()
    app.route('/hello/{parameter}', (_request, response, { parameter }) => { response.body = `Hello ${parameter}` })
    const response = await createClient(app).get('/hello/world')
    expect(response.status).toBe(200)
    expect(response.text).toBe('Hello world')
  })

  test('matches placeholders against the percent-decoded path', async () => {
    expect(await varsOf('/hello/{name}', '/hello/J%C3%A9r%C3%B4me%20B')).toEqual({ name: 'Jérôme B' })
  })
})

describe("the contract's hello app", () => {
  test("answers Hello and refuses foo with 400 'Run, you foo(l)!'", async () => {
    const app = new Roll()
    app.route('/hello/{parameter}', async (_request, response, { parameter }) => {
      if (parameter === 'foo') throw new HttpError(HTTPStatus.BAD_REQUEST, 'Run, you foo(l)!')
      response.body = `Hello ${parameter}`
    })
    const client = createClient(app)
    expect(await client.get('/hello/world')).toMatchObject({ status: 200, text: 'Hello world' })
    expect(await client.get('/hello/foo')).toMatchObject({ status: 400, text: 'Run, you foo(l)!' })
  })
})

describe('app.route answers', () => {
  test('returns 404 with the path as body for an unknown path', async () => {
    const app = new Roll()
    app.route('/known', () => {})
    const response = await createClient(app).get('/unknown/path?x=1')
    expect(response.status).toBe(404)
    expect(response.text).toBe('/unknown/path')
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  test('returns 405 with an Allow header when the path exists but the method does not', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['GET', 'POST'] }, () => {})
    const response = await createClient(app).put('/test')
    expect(response.status).toBe(405)
    expect(response.text).toBe('Method Not Allowed')
    expect(response.headers['allow']).toBe('GET, POST')
  })

  test('accepts only GET by default', async () => {
    const app = new Roll()
    app.route('/test', (_request, response) => { response.body = 'got' })
    const client = createClient(app)
    expect((await client.get('/test')).text).toBe('got')
    expect((await client.post('/test')).status).toBe(405)
    expect((await client.head('/test')).status).toBe(405)
  })

  test('accepts methods given in lower case', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['post'] }, (_request, response) => { response.body = 'posted' })
    expect((await createClient(app).post('/test')).text).toBe('posted')
  })

  test('returns 405 for a verb that is not an HTTP method', async () => {
    const app = new Roll()
    app.route('/test', () => {})
    const response = await createClient(app).request('SPAM', '/test')
    expect(response.status).toBe(405)
    expect(response.headers['allow']).toBe('GET')
  })

  test('merges a path registered again: new methods are added, a repeated one gets the new handler', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['GET', 'PUT'], color: 'red' }, (_request, response) => { response.body = 'old get' })
    app.route('/test', { methods: ['GET', 'POST'], size: 'big' }, (request, response) => {
      response.body = `new ${request.method} ${request.route.payload!.color} ${request.route.payload!.size}`
    })
    const client = createClient(app)
    expect((await client.get('/test')).text).toBe('new GET red big')
    expect((await client.post('/test')).text).toBe('new POST red big')
    expect((await client.put('/test')).text).toBe('old get')
  })

  test('merges a path of the same shape into the first: its methods join the route, with the first path\'s names', async () => {
    const app = new Roll()
    app.route('/items/{id:digit}', (_request, response, vars) => { response.json = { get: vars } })
    app.route('/items/{key:digit}', { methods: ['POST'] }, (_request, response, vars) => { response.json = { post: vars } })
    const client = createClient(app)
    expect((await client.get('/items/7')).json).toEqual({ get: { id: '7' } })
    expect((await client.post('/items/7')).json).toEqual({ post: { id: '7' } })
    expect((await client.put('/items/7')).headers['allow']).toBe('GET, POST')
  })

  test('lists its routes in registration order, with their methods and protocol (app.routes)', () => {
    const app = new Roll()
    app.route('/items/{id:digit}', () => {})
    app.route('/items/{key:digit}', { methods: ['POST', 'put'] }, () => {})
    app.route('/ws', { protocol: 'websocket' }, async () => {})
    app.route('/', { methods: ['GET', 'HEAD'] }, () => {})
    expect(app.routes).toEqual([
      { path: '/items/{id:digit}', methods: ['GET', 'POST', 'PUT'], protocol: 'http' },
      { path: '/ws', methods: ['GET'], protocol: 'websocket' },
      { path: '/', methods: ['GET', 'HEAD'], protocol: 'http' },
    ])
    expect(new Roll().routes).toEqual([])
  })

  test('keeps route options on request.route.payload along with the handlers', async () => {
    const app = new Roll()
    let payload: Record<string, unknown> | null = null
    const handler = app.route('/test', { methods: ['GET', 'POST'], lazyBody: true, name: 'tester', custom: 'tomato' }, (request) => {
      payload = request.route.payload
    })
    await createClient(app).get('/test')
    expect(payload).toEqual({ GET: handler, POST: handler, lazyBody: true, name: 'tester', custom: 'tomato', protocol: 'http' })
  })

  test('sets request.route.payload to null for an unknown path', async () => {
    const app = new Roll()
    let route: unknown
    app.listen('headers', (request) => { route = request.route })
    await createClient(app).get('/nowhere')
    expect(route).toEqual({ payload: null, vars: {} })
  })

  test('answers 426 to a plain GET on a websocket route', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, () => {})
    expect((await createClient(app).get('/ws')).status).toBe(426)
  })
})

describe('app.route registration', () => {
  test('returns the handler in every form', () => {
    const app = new Roll()
    const handler = () => {}
    expect(app.route('/a', handler)).toBe(handler)
    expect(app.route('/b', { methods: ['POST'] }, handler)).toBe(handler)
    expect(app.route('/c')(handler)).toBe(handler)
    expect(app.route('/d', { methods: ['PUT'] })(handler)).toBe(handler)
  })

  test('registers through the curried form, as a decorator would', async () => {
    const app = new Roll()
    app.route('/hello/{name}', { methods: ['POST'] })((_request, response, { name }) => { response.body = `Hi ${name}` })
    const response = await createClient(app).post('/hello/you')
    expect(response.text).toBe('Hi you')
  })

  test.each([
    ['/foo/{ext/', "Invalid route path '/foo/{ext/': the '{' at position 5 is never closed."],
    ['/foo/{}', "Invalid route path '/foo/{}': the placeholder at position 5 has no name."],
    ['/foo/{:digit}', "Invalid route path '/foo/{:digit}': the placeholder at position 5 has no name."],
    ['/foo/{id:[abc}', "Invalid route path '/foo/{id:[abc}': the placeholder 'id' has an invalid regex '[abc'"],
    ['/foo/{id:(}', "Invalid route path '/foo/{id:(}': the placeholder 'id' has an invalid regex '('"],
    ['/foo/id}', "Invalid route path '/foo/id}': unexpected '}' at position 7."],
    ['/{id}/{id}', "Invalid route path '/{id}/{id}': the placeholder 'id' appears twice."],
    ['/foo/{id:}', "Invalid route path '/foo/{id:}': the placeholder 'id' has an empty kind after ':'."],
    ['/foo/{my-id}', "Invalid route path '/foo/{my-id}': 'my-id' is not a valid placeholder name (use letters, digits and _)."],
    ['/foo/{__proto__}', "Invalid route path '/foo/{__proto__}': '__proto__' is not a valid placeholder name (use letters, digits and _)."],
  ])('throws at registration on the malformed path %s, naming it', (path, message) => {
    const app = new Roll()
    expect(() => app.route(path, () => {})).toThrow(message)
  })

  test('throws a TypeError when the handler is not a function', () => {
    const app = new Roll()
    expect(() => app.route('/a', {}, 'nope' as never)).toThrow(new TypeError("route '/a': the handler must be a function or a class, got string."))
  })

  test('throws a TypeError when methods holds something that is not an HTTP method', () => {
    const app = new Roll()
    expect(() => app.route('/test', { methods: ['GET', 'SPAM'] }, () => {})).toThrow(
      new TypeError("route '/test': 'SPAM' in `methods` is not an HTTP method; use GET, HEAD, POST, PUT, DELETE, TRACE, OPTIONS, CONNECT, PATCH."),
    )
  })

  test.each([[[]], ['GET']])('throws a TypeError when methods is %j', (methods) => {
    const app = new Roll()
    expect(() => app.route('/test', { methods: methods as never }, () => {}))
      .toThrow(new TypeError("route '/test': `methods` must be an array such as ['GET', 'POST']."))
  })

  test('throws a TypeError on an unknown protocol', () => {
    const app = new Roll()
    expect(() => app.route('/a', { protocol: 'gopher' as never }, () => {})).toThrow(TypeError)
  })

  test('throws a TypeError when a websocket route is given methods other than GET', () => {
    const app = new Roll()
    expect(() => app.route('/ws', { protocol: 'websocket', methods: ['POST'] } as never, () => {}))
      .toThrow(new TypeError("route '/ws': a websocket route answers GET only; remove `methods`."))
  })

  test('lists HTTP_METHODS in Roll\'s order', () => {
    expect(HTTP_METHODS).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH'])
  })
})

describe('class views', () => {
  test('answers each method with its on* method', async () => {
    const app = new Roll()
    app.route('/test', class {
      async onGet(_request: Request, response: Response) { response.body = 'called' }
      async onPost(_request: Request, response: Response) { response.body = 'called with post' }
    })
    const client = createClient(app)
    expect(await client.get('/test')).toMatchObject({ status: 200, text: 'called' })
    expect(await client.post('/test')).toMatchObject({ status: 200, text: 'called with post' })
    expect((await client.put('/test')).status).toBe(405)
  })

  test('maps every verb to its on* method', async () => {
    const app = new Roll()
    const answer = (request: Request, response: Response) => { response.headers['X-Method'] = request.method }
    app.route('/test', class {
      onGet = answer; onHead = answer; onPost = answer; onPut = answer; onDelete = answer
      onTrace = answer; onOptions = answer; onConnect = answer; onPatch = answer
    })
    const client = createClient(app)
    for (const method of HTTP_METHODS) {
      expect((await client.request(method, '/test')).headers['x-method']).toBe(method)
    }
  })

  test('counts inherited methods and reads the subclass fields', async () => {
    class View {
      custom = ''
      async onGet(_request: Request, response: Response) { response.body = this.custom }
    }
    class Cucumber extends View { override custom = 'cucumber' }
    const app = new Roll()
    app.route('/tomatoes', class Tomato extends View { override custom = 'tomato' })
    app.route('/cucumbers', Cucumber)
    app.route('/gherkins', class Gherkin extends Cucumber { override custom = 'gherkin' })
    const client = createClient(app)
    expect((await client.get('/tomatoes')).text).toBe('tomato')
    expect((await client.get('/cucumbers')).text).toBe('cucumber')
    expect((await client.get('/gherkins')).text).toBe('gherkin')
  })

  test('keeps extra options on the payload', async () => {
    const app = new Roll()
    app.route('/test', { custom: 'tomato' }, class {
      onGet(request: Request, response: Response) { response.body = String(request.route.payload!.custom) }
    })
    expect((await createClient(app).get('/test')).text).toBe('tomato')
  })

  test('passes the placeholders to the methods', async () => {
    const app = new Roll()
    app.route('/test/{mystery}', class {
      onGet(_request: Request, response: Response, { mystery }: { mystery: string }) { response.body = mystery }
    })
    expect((await createClient(app).get('/test/salad')).text).toBe('salad')
  })

  test('instantiates the class once for all requests', async () => {
    let instances = 0
    const app = new Roll()
    app.route('/test', class {
      count = 0
      constructor() { instances++ }
      onGet(_request: Request, response: Response) { response.body = String(++this.count) }
    })
    const client = createClient(app)
    await client.get('/test')
    expect((await client.get('/test')).text).toBe('2')
    expect(instances).toBe(1)
  })

  test('throws at registration when methods is given with a class', () => {
    const app = new Roll()
    expect(() => app.route('/test', { methods: ['POST'] }, class { onGet() {} })).toThrow(
      new TypeError("route '/test': `methods` cannot be used with a class view; define onGet/onPost… on the class instead."),
    )
  })

  test('throws at registration when the class has no on* method', () => {
    const app = new Roll()
    expect(() => app.route('/test', class MyHandler { badGetName() {} })).toThrow(
      new TypeError("route '/test': the class view MyHandler has no onGet/onPost/… method; define at least one."),
    )
  })
})

describe('app.route and the router', () => {
  test('lets an exact static route beat an empty placeholder value, whatever the order', async () => {
    const app = new Roll()
    app.route('/hello/{name}', (_request, response, { name }) => { response.body = `Hello ${name}` })
    app.route('/hello/', (_request, response) => { response.body = 'Hello you' })
    const client = createClient(app)
    expect((await client.get('/hello/')).text).toBe('Hello you')
    expect((await client.get('/hello/world')).text).toBe('Hello world')
  })

  test('answers with the handler of the first registered route that matches', async () => {
    const app = new Roll()
    app.route('/foo/{id}/{sub}', (_request, response, { id, sub }) => { response.body = `first ${id} ${sub}` })
    app.route('/foo/{id}/path', (_request, response, { id }) => { response.body = `second ${id}` })
    app.route('/foo/{category}/{id:digit}.csv', (_request, response, { id }) => { response.body = `csv ${id}` })
    const client = createClient(app)
    expect((await client.get('/foo/id/path')).text).toBe('first id path')
    expect((await client.get('/foo/cat/12.csv')).text).toBe('first cat 12.csv')
  })

  test('passes the placeholders of a static-prefixed regex route to the handler', async () => {
    const app = new Roll()
    app.route('/foo/bar/{id}', (_request, response, { id }) => { response.body = `a ${id}` })
    app.route('/foo/{id:[^\\.]+}.html', (_request, response, { id }) => { response.body = `b ${id}` })
    const client = createClient(app)
    expect((await client.get('/foo/pouet.html')).text).toBe('b pouet')
    expect((await client.get('/foo/bar/pouet')).text).toBe('a pouet')
  })

  test('matches unicode paths sent percent-encoded', async () => {
    const app = new Roll()
    app.route('/éèà/{name:alnum}', (_request, response, { name }) => { response.body = name })
    const response = await createClient(app).get('/éèà/àéè')
    expect(response.status).toBe(200)
    expect(response.text).toBe('àéè')
  })
})

describe('a router of your own', () => {
  test('a subclass swaps it through the Router field, as Roll does with Routes', async () => {
    class CaseInsensitiveRouter extends Router<RoutePayload> {
      override add(path: string, payload: RoutePayload) { return super.add(path.toLowerCase(), payload) }
      override match(path: string) { return super.match(path.toLowerCase()) }
    }
    class CaseInsensitiveRoll extends Roll {
      override Router = CaseInsensitiveRouter
    }
    const app = new CaseInsensitiveRoll()
    app.route('/Hello/{name}', (_request, response, { name }) => { response.body = `Hello ${name}` })
    const client = createClient(app)
    expect((await client.get('/HELLO/you')).text).toBe('Hello you')
    expect((await createClient(new Roll()).get('/HELLO/you')).status).toBe(404)
  })

  test('any class meeting RouterLike will do: 404, 405 and merging keep working through it', async () => {
    class StaticRouter implements RouterLike<RoutePayload> {
      routes = new Map<string, RoutePayload>()
      add(path: string, payload: RoutePayload) {
        const known = this.routes.get(path)
        if (known) return Object.assign(known, payload)
        this.routes.set(path, payload)
        return payload
      }
      match(path: string) {
        const payload = this.routes.get(path)
        return payload === undefined ? null : { payload, vars: {} }
      }
    }
    class StaticRoll extends Roll {
      override Router = StaticRouter
    }
    const app = new StaticRoll()
    app.route('/ping', (_request, response) => { response.body = 'pong' })
    app.route('/ping', { methods: ['POST'] }, (_request, response) => { response.body = 'posted' })
    const client = createClient(app)
    expect((await client.get('/ping')).text).toBe('pong')
    expect((await client.post('/ping')).text).toBe('posted')
    expect((await client.get('/nowhere')).status).toBe(404)
    const refused = await client.put('/ping')
    expect([refused.status, refused.headers['allow']]).toEqual([405, 'GET, POST'])
  })
})

describe('app.route refuses, with messages that say what to change', () => {
  test('a path that is not a string', () => {
    expect(() => new Roll().route(42 as unknown as string, () => {})).toThrow(new TypeError('app.route(): the path must be a string, got number.'))
  })

  test('an unknown protocol', () => {
    expect(() => new Roll().route('/x', { protocol: 'gopher' as 'http' }, () => {})).toThrow(
      new TypeError("route '/x': unknown protocol 'gopher'; use 'http' or 'websocket'."),
    )
  })

  test('a websocket route with methods other than GET, even alongside GET', () => {
    expect(() => new Roll().route('/ws', { protocol: 'websocket', methods: ['GET', 'POST'] }, () => {})).toThrow(
      new TypeError("route '/ws': a websocket route answers GET only; remove `methods`."),
    )
  })

  test('an anonymous class view without handlers', () => {
    expect(() => new Roll().route('/x', class {})).toThrow(
      new TypeError("route '/x': the class view (anonymous) has no onGet/onPost/… method; define at least one."),
    )
  })
})

test('a function handler whose source mentions a class is a function handler, not a class view', async () => {
  const app = new Roll()
  app.route('/test', function handler(request, response) { response.body = 'a class { } in a string' })
  expect((await createClient(app).get('/test')).text).toBe('a class { } in a string')
})
