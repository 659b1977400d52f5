// HttpError, HTTPStatus and statusPhrase, and how failures become responses (Roll's
// test_errors.py): the message is the body, unexpected errors are a bare 500.
import { afterEach, describe, expect, test, vi } from 'vitest'
import { HttpError, HTTPStatus, Roll, statusPhrase } from '@roll/framework'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'

afterEach(() => { vi.restoreAllMocks() })

const quietConsole = () => vi.spyOn(console, 'error').mockImplementation(() => {})

async function get(app: Roll, path = '/test') {
  return createClient(app).get(path)
}

describe('HttpError', () => {
  test('sends its status and message', async () => {
    const app = new Roll()
    app.route('/test', () => { throw new HttpError(500, 'Oops.') })
    const response = await get(app)
    expect(response.status).toBe(500)
    expect(response.text).toBe('Oops.')
  })

  test('takes an HTTPStatus member as status', async () => {
    const app = new Roll()
    app.route('/test', async () => { throw new HttpError(HTTPStatus.BAD_REQUEST, 'Really bad.') })
    const response = await get(app)
    expect(response.status).toBe(400)
    expect(response.text).toBe('Really bad.')
  })

  test('defaults its message to the status phrase', async () => {
    const app = new Roll()
    app.route('/test', () => { throw new HttpError(HTTPStatus.INTERNAL_SERVER_ERROR) })
    app.route('/teapot', () => { throw new HttpError(418) })
    expect(await get(app)).toMatchObject({ status: 500, text: 'Internal Server Error' })
    expect(await get(app, '/teapot')).toMatchObject({ status: 418, text: "I'm a Teapot" })
  })

  test('defaults its status to 500', () => {
    const error = new HttpError()
    expect([error.status, error.message]).toEqual([500, 'Internal Server Error'])
  })

  test('is an Error named HttpError that keeps a cause', () => {
    const cause = new Error('low level')
    const error = new HttpError(502, 'Upstream failed', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('HttpError')
    expect(error.cause).toBe(cause)
  })

  test('HttpError.answer makes one without a stack trace, for answers that are no bug, and leaves stacks on afterwards', () => {
    const answer = HttpError.answer(404, '/nope')
    expect(answer).toBeInstanceOf(HttpError)
    expect([answer.status, answer.message, answer.stack]).toEqual([404, '/nope', 'HttpError: /nope'])
    expect(HttpError.answer(405).message).toBe('Method Not Allowed')
    expect(new HttpError(500).stack).toMatch(/\n\s+at /)
    expect(() => HttpError.answer(999)).toThrow(RangeError)
    expect(new Error('after a refused answer').stack).toMatch(/\n\s+at /)
  })

  test('the 404, 405 and 426 the app answers carry no stack trace to the error event', async () => {
    const app = new Roll()
    app.route('/ws', { protocol: 'websocket' }, async () => {})
    app.route('/get', () => {})
    const stacks: string[] = []
    app.listen('error', (_request, _response, error) => { stacks.push(error.stack ?? '') })
    const client = createClient(app)
    expect([(await client.get('/nope')).status, (await client.post('/get')).status, (await client.get('/ws')).status]).toEqual([404, 405, 426])
    expect(stacks).toEqual(['HttpError: /nope', 'HttpError: Method Not Allowed', 'HttpError: Upgrade Required'])
  })

  test('throws a RangeError for an unknown status code', () => {
    expect(() => new HttpError(999)).toThrow(new RangeError('HttpError: 999 is not a known HTTP status code; use one of HTTPStatus.'))
  })

  test('lets a subclass set its message after super()', async () => {
    class CustomHttpError extends HttpError {
      constructor(code: number) {
        super(code)
        this.message = '<h1>Oops.</h1>'
      }
    }
    const app = new Roll()
    app.route('/test', () => { throw new CustomHttpError(HTTPStatus.INTERNAL_SERVER_ERROR) })
    expect(await get(app)).toMatchObject({ status: 500, text: '<h1>Oops.</h1>' })
  })

  test('lets a subclass set its status after super()', async () => {
    class Teapot extends HttpError {
      constructor() {
        super()
        this.status = HTTPStatus.IM_A_TEAPOT
        this.message = 'Short and stout'
      }
    }
    const app = new Roll()
    app.route('/test', () => { throw new Teapot() })
    expect(await get(app)).toMatchObject({ status: 418, text: 'Short and stout' })
  })
})

describe('HTTPStatus and statusPhrase', () => {
  test('maps names to codes', () => {
    expect(HTTPStatus.NOT_FOUND).toBe(404)
    expect(HTTPStatus.OK).toBe(200)
    expect(HTTPStatus.IM_A_TEAPOT).toBe(418)
    expect(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED).toBe(505)
  })

  test.each([
    [200, 'OK'], [201, 'Created'], [204, 'No Content'], [302, 'Found'], [304, 'Not Modified'],
    [400, 'Bad Request'], [404, 'Not Found'], [405, 'Method Not Allowed'], [413, 'Request Entity Too Large'],
    [418, "I'm a Teapot"], [500, 'Internal Server Error'], [505, 'HTTP Version Not Supported'],
  ])('statusPhrase(%i) is %s', (code, phrase) => {
    expect(statusPhrase(code)).toBe(phrase)
  })

  test('statusPhrase gives undefined for an unknown code', () => {
    expect(statusPhrase(999)).toBeUndefined()
  })
})

describe.each([
  ['createClient', async (app: Roll): Promise<Client> => createClient(app)],
  ['createLiveClient', (app: Roll): Promise<Client> => createLiveClient(app)],
])('unexpected errors through %s', (_name, makeClient) => {
  test('give 500 "Internal Server Error" as plain text, without the original message', async () => {
    const log = quietConsole()
    const app = new Roll()
    app.route('/test', () => { throw new Error('Custom Error Message at /srv/app/secret.ts:12') })
    const client = await makeClient(app)
    const response = await client.get('/test')
    await client.close()
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(log).toHaveBeenCalledTimes(1)
    expect(String(log.mock.calls[0])).toContain('Custom Error Message')
  })
})

describe('unexpected errors', () => {
  test.each([
    ['a string', 'oops'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { secret: 'hunter2' }],
  ])('thrown as %s give a 500 whose cause is the thrown value', async (_kind, thrown) => {
    quietConsole()
    const app = new Roll()
    let cause: unknown = 'not called'
    app.listen('error', (_request, _response, error) => { cause = error.cause })
    app.route('/test', () => { throw thrown })
    const response = await get(app)
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    expect(cause).toBe(thrown)
  })

  test('a rejected promise gives the same 500', async () => {
    quietConsole()
    const app = new Roll()
    app.route('/test', () => Promise.reject(new Error('async secret')))
    expect(await get(app)).toMatchObject({ status: 500, text: 'Internal Server Error' })
  })

  test('an error listener that throws gives 500 "Internal Server Error" and is logged', async () => {
    const log = quietConsole()
    const app = new Roll()
    app.listen('error', () => { throw new Error('listener secret') })
    app.route('/test', () => { throw new HttpError(400, 'Bad input') })
    const response = await get(app)
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    expect(log).toHaveBeenCalledTimes(1)
    expect(String(log.mock.calls[0])).toContain('listener secret')
  })

  test('an error listener that throws an HttpError still gives 500 "Internal Server Error"', async () => {
    quietConsole()
    const app = new Roll()
    app.listen('error', () => { throw new HttpError(403, 'Forbidden by listener') })
    app.route('/test', () => { throw new HttpError(400) })
    expect(await get(app)).toMatchObject({ status: 500, text: 'Internal Server Error' })
  })

  test.each(['headers', 'request', 'response', 'error'] as const)(
    'a %s listener that throws a non-Error value gives 500 "Internal Server Error", logged once', async (event) => {
      const log = quietConsole()
      const app = new Roll()
      app.listen(event, () => { throw 'a string' })
      app.route('/test', () => { if (event === 'error') throw new HttpError(400) })
      const response = await get(app)
      expect(response.status).toBe(500)
      expect(response.text).toBe('Internal Server Error')
      expect(log).toHaveBeenCalledTimes(1)
    })

  test.each(['headers', 'request', 'response'] as const)('a %s listener that rejects gives 500 "Internal Server Error"', async (event) => {
    quietConsole()
    const app = new Roll()
    app.listen(event, () => Promise.reject(new Error('listener secret')))
    app.route('/test', () => {})
    expect(await get(app)).toMatchObject({ status: 500, text: 'Internal Server Error' })
  })

  test('an error body goes out as text/plain even when the handler had set another Content-Type', async () => {
    const app = new Roll()
    app.route('/test', (request, response) => {
      response.headers['content-type'] = 'text/html'
      response.body = request.query.get('<script>alert(1)</script>')
    })
    const response = await get(app)
    expect(response.status).toBe(400)
    expect(response.text).toBe("Missing '<script>alert(1)</script>' key")
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  test('an error listener may still give the error body its own Content-Type', async () => {
    const app = new Roll()
    app.listen('error', (_request, response, error) => { response.json = { error: error.message } })
    app.route('/test', (_request, response) => {
      response.headers['Content-Type'] = 'text/html'
      throw new HttpError(409)
    })
    const response = await get(app)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.json).toEqual({ error: 'Conflict' })
  })

  test('an HttpError is not logged', async () => {
    const log = quietConsole()
    const app = new Roll()
    app.route('/test', () => { throw new HttpError(400) })
    await get(app)
    expect(log).not.toHaveBeenCalled()
  })

  test('never put a stack trace or a file path in the body', async () => {
    quietConsole()
    const app = new Roll()
    app.route('/test', () => { JSON.parse('{oops') })
    const body = (await get(app)).text
    expect(body).toBe('Internal Server Error')
    expect(body).not.toMatch(/at |\.ts|\.js|\//)
  })
})

describe('the log line of an unexpected error', () => {
  test('names the request, the error class and its message', async () => {
    const logged = quietConsole()
    const app = new Roll()
    app.route('/test', () => { throw new TypeError('boom') })
    expect((await get(app, '/test?x=1')).status).toBe(500)
    expect(logged).toHaveBeenCalledWith('[roll] GET /test?x=1 failed with 500 Internal Server Error: TypeError: boom')
  })

  test('names a thrown value that is not an Error', async () => {
    const logged = quietConsole()
    const app = new Roll()
    app.route('/test', () => { throw 'plain string' })
    expect((await get(app)).status).toBe(500)
    expect(logged).toHaveBeenCalledWith('[roll] GET /test failed with 500 Internal Server Error: thrown value plain string')
  })
})
