// When the lifecycle waits: a request whose steps are all synchronous (no body, listeners
// and a handler that return no promise) is answered before the listener returns, with no
// promise; any step that has to wait makes it asynchronous, in order.
import { createRequestListener, HttpError, Roll, type Request, type RequestSource, type ResponseSink } from '@roll/framework'
import { describe, expect, test } from 'vitest'

function sink() {
  const written: { status?: number, body?: string } = {}
  const target: ResponseSink = {
    writeHead(status) { written.status = status },
    write: () => true,
    end(chunk) { written.body = chunk === undefined ? '' : String(chunk) },
    destroy() {},
    destroyed: false,
    once() {},
    off() {},
  }
  return { target, written }
}
const source = (url: string, headers: RequestSource['headers'] = {}, body = ''): RequestSource => ({
  method: body ? 'POST' : 'GET', url, headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
  async *[Symbol.asyncIterator]() { if (body) yield Buffer.from(body) },
})

describe('the request listener', () => {
  test('answers a synchronous request before it returns, without a promise', () => {
    const app = new Roll()
    app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
    const { target, written } = sink()
    expect(createRequestListener(app)(source('/hello/you'), target)).toBeUndefined()
    expect(written).toEqual({ status: 200, body: 'Hello you' })
  })

  test('answers a synchronous error at once too: a thrown HttpError, an unknown path, an unexpected error', () => {
    const app = new Roll()
    app.route('/teapot', () => { throw new HttpError(418, 'Short and stout') })
    for (const [path, status, body] of [['/teapot', 418, 'Short and stout'], ['/nowhere', 404, '/nowhere']] as const) {
      const { target, written } = sink()
      createRequestListener(app)(source(path), target)
      expect(written).toEqual({ status, body })
    }
  })

  test.each([
    ['a headers listener', 'done headers', (app: Roll) => { app.listen('headers', (request) => { request.set('seen', 'headers') }) }],
    ['a request listener', 'done request', (app: Roll) => { app.listen('request', (request) => { request.set('seen', 'request') }) }],
    ['a response listener', 'done, seen', (app: Roll) => { app.listen('response', (request, response) => { response.body = `${response.body}, seen` }) }],
  ])('answers at once, without a promise, with %s that returns no promise', (_what, body, setUp) => {
    const app = new Roll()
    app.route('/x', (request, response) => { response.body = request.has('seen') ? `done ${request.get('seen')}` : 'done' })
    setUp(app)
    const { target, written } = sink()
    expect(createRequestListener(app)(source('/x'), target)).toBeUndefined()
    expect(written).toEqual({ status: 200, body })
  })

  test('answers at once when a synchronous headers listener answers, or throws', () => {
    const app = new Roll()
    app.route('/x', (request, response) => { response.body = 'handler' })
    app.listen('headers', (request, response) => {
      if (request.path === '/health') return Object.assign(response, { body: 'ok' })
      if (request.path === '/boom') throw new HttpError(503, 'Not now')
    })
    for (const [path, status, body] of [['/health', 200, 'ok'], ['/boom', 503, 'Not now'], ['/x', 200, 'handler']] as const) {
      const { target, written } = sink()
      expect(createRequestListener(app)(source(path), target)).toBeUndefined()
      expect(written).toEqual({ status, body })
    }
  })

  test.each([
    ['an async handler', (app: Roll) => app.route('/x', async (request, response) => { response.body = 'done' })],
    ['an async headers listener', (app: Roll) => { app.route('/x', (request, response) => { response.body = 'done' }); app.listen('headers', async () => undefined) }],
    ['an async request listener', (app: Roll) => { app.route('/x', (request, response) => { response.body = 'done' }); app.listen('request', async () => undefined) }],
    ['an async response listener', (app: Roll) => { app.route('/x', (request, response) => { response.body = 'gone' }); app.listen('response', async (request, response) => { response.body = 'done' }) }],
  ])('waits, and answers once done, with %s', async (_what, setUp) => {
    const app = new Roll()
    setUp(app)
    const { target, written } = sink()
    const answered = createRequestListener(app)(source('/x'), target)
    expect(answered).toBeInstanceOf(Promise)
    expect(written).toEqual({})
    await answered
    expect(written).toEqual({ status: 200, body: 'done' })
  })

  test('runs synchronous and async listeners in order; the first truthy result, sync or async, stops the chain', async () => {
    const app = new Roll()
    const order: string[] = []
    const stop = (request: Request, at: string) => request.headers['STOP'] === at
    app.route('/x', (request, response) => { order.push('handler'); response.body = 'handler' })
    app.listen('request', () => { order.push('sync 1') })
    app.listen('request', async (request, response) => { order.push('async'); return stop(request, 'async') && Object.assign(response, { body: 'async' }) })
    app.listen('request', (request, response) => { order.push('sync 2'); return stop(request, 'sync 2') && Object.assign(response, { body: 'sync 2' }) })
    for (const [at, steps] of [
      ['async', ['sync 1', 'async']],
      ['sync 2', ['sync 1', 'async', 'sync 2']],
      ['handler', ['sync 1', 'async', 'sync 2', 'handler']],
    ] as const) {
      order.length = 0
      const { target, written } = sink()
      await createRequestListener(app)(source('/x', { stop: at }), target)
      expect([written.body, order]).toEqual([at, steps])
    }
  })

  test('waits for a body before the handler', async () => {
    const app = new Roll()
    app.route('/echo', { methods: ['POST'] }, (request, response) => { response.body = request.body })
    const { target, written } = sink()
    const answered = createRequestListener(app)(source('/echo', {}, 'sent'), target)
    expect(written).toEqual({})
    await answered
    expect(written).toEqual({ status: 200, body: 'sent' })
  })

  test('turns an async rejection into the response, after the error listener', async () => {
    const app = new Roll()
    const seen: number[] = []
    app.route('/x', async () => { throw new HttpError(409, 'Taken') })
    app.listen('error', (request, response, error) => { seen.push(error.status) })
    const { target, written } = sink()
    await createRequestListener(app)(source('/x'), target)
    expect([seen, written]).toEqual([[409], { status: 409, body: 'Taken' }])
  })
})
