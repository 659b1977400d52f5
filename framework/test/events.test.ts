// Events: the six built-in ones (their order and shortcut rules), error and response after
// failures, custom events through app.hook, and route:add (Roll's test_hooks.py and more).
import { afterEach, describe, expect, test, vi } from 'vitest'
import { HttpError, HTTPStatus, Roll } from '@roll/framework'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'

afterEach(() => { vi.restoreAllMocks() })

const quietConsole = () => vi.spyOn(console, 'error').mockImplementation(() => {})

/** An app whose listeners and handler record their calls in `calls`. */
function tracedApp() {
  const app = new Roll()
  const calls: string[] = []
  for (const name of ['headers', 'request', 'response', 'error'] as const) {
    app.listen(name, () => { calls.push(name) })
  }
  app.route('/test', { methods: ['GET', 'POST'] }, () => { calls.push('handler') })
  return { app, calls }
}

describe('app.listen and app.hook', () => {
  test('listen returns the listener', () => {
    const app = new Roll()
    const listener = () => {}
    expect(app.listen('custom', listener)).toBe(listener)
  })

  test('hook calls the listeners in order with its arguments and returns undefined when none answers', async () => {
    const app = new Roll()
    const calls: unknown[] = []
    app.listen('custom', (...args: unknown[]) => { calls.push(['first', ...args]) })
    app.listen('custom', async (...args: unknown[]) => { calls.push(['second', ...args]) })
    expect(await app.hook('custom', 'a', 2)).toBeUndefined()
    expect(calls).toEqual([['first', 'a', 2], ['second', 'a', 2]])
  })

  test('hook returns the first truthy result and stops the chain', async () => {
    const app = new Roll()
    const third = vi.fn()
    app.listen('custom', () => 0)
    app.listen('custom', async (value: string) => value)
    app.listen('custom', third)
    expect(await app.hook('custom', 'arg')).toBe('arg')
    expect(third).not.toHaveBeenCalled()
  })

  test('a listener added while the event fires runs in that same hook, as in Roll', async () => {
    const app = new Roll()
    const calls: string[] = []
    app.listen('custom', () => { calls.push('first'); app.listen('custom', () => { calls.push('added') }) })
    await app.hook('custom')
    expect(calls).toEqual(['first', 'added'])
  })

  test('hook resolves to undefined for an event nobody listens to', async () => {
    expect(await new Roll().hook('nobody')).toBeUndefined()
  })

  test('hook rejects with what a listener throws', async () => {
    const app = new Roll()
    app.listen('custom', () => { throw new Error('boom') })
    await expect(app.hook('custom')).rejects.toThrow('boom')
  })

  test('listen throws a TypeError when the listener is not a function', () => {
    expect(() => new Roll().listen('custom', 'nope' as never)).toThrow(TypeError)
  })
})

describe('startup and shutdown', () => {
  test('app.startup() and app.shutdown() fire their events', async () => {
    const app = new Roll()
    const calls: string[] = []
    app.listen('startup', () => { calls.push('startup') })
    app.listen('shutdown', () => { calls.push('shutdown') })
    await app.startup()
    await app.shutdown()
    expect(calls).toEqual(['startup', 'shutdown'])
  })

  test.each([
    ['createClient', async (app: Roll): Promise<Client> => createClient(app)],
    ['createLiveClient', (app: Roll): Promise<Client> => createLiveClient(app)],
  ])('%s finishes startup before the first request and fires shutdown on close', async (_name, make) => {
    const app = new Roll()
    const calls: string[] = []
    app.listen('startup', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      calls.push('startup')
    })
    app.listen('shutdown', () => { calls.push('shutdown') })
    app.route('/test', () => { calls.push('handler') })
    const client = await make(app)
    await client.get('/test')
    await client.close()
    expect(calls).toEqual(['startup', 'handler', 'shutdown'])
  })
})

describe('request lifecycle order', () => {
  test('fires headers, request, the handler, then response', async () => {
    const { app, calls } = tracedApp()
    expect((await createClient(app).get('/test')).status).toBe(200)
    expect(calls).toEqual(['headers', 'request', 'handler', 'response'])
  })

  test('fires headers, error, then response for an unknown path', async () => {
    const { app, calls } = tracedApp()
    expect((await createClient(app).get('/nowhere')).status).toBe(404)
    expect(calls).toEqual(['headers', 'error', 'response'])
  })

  test('fires headers, error, then response for a method the route lacks', async () => {
    const { app, calls } = tracedApp()
    expect((await createClient(app).delete('/test')).status).toBe(405)
    expect(calls).toEqual(['headers', 'error', 'response'])
  })

  test('fires error then response when the handler fails', async () => {
    const { app, calls } = tracedApp()
    app.route('/fail', () => { calls.push('handler'); throw new HttpError(HTTPStatus.CONFLICT) })
    expect((await createClient(app).get('/fail')).status).toBe(409)
    expect(calls).toEqual(['headers', 'request', 'handler', 'error', 'response'])
  })

  test('reads the body after headers and before request', async () => {
    const app = new Roll()
    const seen: string[] = []
    app.listen('headers', (request) => {
      try { request.body } catch (error) { seen.push(`headers: ${(error as HttpError).status} ${(error as HttpError).message}`) }
    })
    app.listen('request', (request) => { seen.push(`request: ${request.body}`) })
    app.route('/test', { methods: ['POST'] }, () => {})
    await createClient(app).post('/test', { body: 'blah' })
    expect(seen).toEqual(['headers: 500 Trying to consume lazy body', 'request: blah'])
  })
})

describe('headers event', () => {
  test('is fired even if the path is not found, and a truthy return sends the response as it is', async () => {
    const app = new Roll()
    app.listen('headers', (request, response) => {
      if (!request.route.payload) {
        response.status = 400
        response.body = 'Really this is a bad request'
        return true
      }
    })
    const response = await createClient(app).get('/not-found')
    expect(response.status).toBe(400)
    expect(response.text).toBe('Really this is a bad request')
  })

  test('cannot consume the request body', async () => {
    const app = new Roll()
    app.listen('headers', (request, response) => {
      try {
        request.body
      } catch (error) {
        if (error instanceof HttpError) {
          response.body = 'raised as expected'
          return true
        }
      }
    })
    const response = await createClient(app).get('/not-found')
    expect(response.status).toBe(200)
    expect(response.text).toBe('raised as expected')
  })

  test('can consume the request body explicitly with read()', async () => {
    const app = new Roll()
    app.listen('headers', async (request, response) => {
      response.body = await request.read()
      return true
    })
    const response = await createClient(app).post('/test', { body: 'blah' })
    expect(response.status).toBe(200)
    expect(response.text).toBe('blah')
  })

  test('a truthy return skips routing, request and the handler but not response', async () => {
    const { app, calls } = tracedApp()
    app.listen('headers', () => true)
    expect((await createClient(app).get('/test')).status).toBe(200)
    expect(calls).toEqual(['headers', 'response'])
  })

  test('a failing listener gives 500 Internal Server Error and response still fires', async () => {
    quietConsole()
    const { app, calls } = tracedApp()
    app.listen('headers', () => { throw new Error('secret') })
    const response = await createClient(app).get('/test')
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    expect(calls).toEqual(['headers', 'error', 'response'])
  })
})

describe('request event', () => {
  test('a truthy return skips the handler and keeps the response the listener made', async () => {
    const app = new Roll()
    app.listen('request', (_request, response) => {
      response.status = 400
      response.body = 'another response'
      return true
    })
    const handler = vi.fn()
    app.route('/test', handler)
    const response = await createClient(app).get('/test')
    expect(response.status).toBe(400)
    expect(response.text).toBe('another response')
    expect(handler).not.toHaveBeenCalled()
  })

  test('can consume the request body', async () => {
    const app = new Roll()
    app.route('/test', { methods: ['POST'] }, () => {})
    app.listen('request', (request, response) => {
      response.body = request.body
      return true
    })
    expect((await createClient(app).post('/test', { body: 'blah' })).text).toBe('blah')
  })

  test('is not fired for an unknown path', async () => {
    const { app, calls } = tracedApp()
    await createClient(app).get('/nowhere')
    expect(calls).not.toContain('request')
  })
})

describe('response event', () => {
  test('can alter the response the handler made', async () => {
    const app = new Roll()
    app.listen('response', (_request, response) => {
      expect(response.body).toBe('test response')
      response.body = 'another response'
      response.status = 400
    })
    app.route('/test', (_request, response) => { response.body = 'test response' })
    const response = await createClient(app).get('/test')
    expect(response.status).toBe(400)
    expect(response.text).toBe('another response')
  })

  test('sees the error response after a failure', async () => {
    const app = new Roll()
    let seen: unknown
    app.listen('response', (_request, response) => { seen = [response.status, response.body] })
    app.route('/test', () => { throw new HttpError(418) })
    await createClient(app).get('/test')
    expect(seen).toEqual([418, "I'm a Teapot"])
  })

  test('a failing listener gives 500 Internal Server Error through the error event', async () => {
    quietConsole()
    const app = new Roll()
    const errors: number[] = []
    app.listen('response', () => { throw new TypeError('secret') })
    app.listen('error', (_request, _response, error) => { errors.push(error.status) })
    app.route('/test', (_request, response) => { response.body = 'fine' })
    const response = await createClient(app).get('/test')
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    expect(errors).toEqual([500])
  })
})

describe('error event', () => {
  test('receives the HttpError and can format the response as JSON', async () => {
    const app = new Roll()
    app.listen('error', (_request, response, error) => {
      expect(error.message).toBe('JSON error')
      response.json = { status: error.status, message: error.message }
    })
    app.route('/test', () => { throw new HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, 'JSON error') })
    const response = await createClient(app).get('/test')
    expect(response.status).toBe(500)
    expect(response.json).toEqual({ status: 500, message: 'JSON error' })
  })

  test('receives an HttpError(500) whose cause is the original error for an unexpected one', async () => {
    quietConsole()
    const app = new Roll()
    let received: unknown
    const original = new RangeError('Custom Error Message')
    app.listen('error', (_request, _response, error) => { received = error })
    app.route('/raise', () => { throw original })
    const response = await createClient(app).get('/raise')
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    expect(received).toBeInstanceOf(HttpError)
    expect((received as HttpError).status).toBe(500)
    expect((received as HttpError).cause).toBe(original)
  })

  test('is fired for a body over maxBodySize, before any request listener or handler', async () => {
    const app = new Roll({ maxBodySize: 4 })
    const calls: string[] = []
    app.listen('request', () => { calls.push('request') })
    app.listen('error', (_request, _response, error) => { calls.push(`error ${error.status}`) })
    app.listen('response', () => { calls.push('response') })
    app.route('/test', { methods: ['POST'] }, () => { calls.push('handler') })
    expect((await createClient(app).post('/test', { body: 'too long' })).status).toBe(413)
    expect(calls).toEqual(['error 413', 'response'])
  })

  test('is fired for a 404 with the path as message', async () => {
    const app = new Roll()
    let received: HttpError | undefined
    app.listen('error', (_request, _response, error) => { received = error })
    await createClient(app).get('/nowhere')
    expect([received?.status, received?.message]).toEqual([404, '/nowhere'])
  })
})

describe('custom events', () => {
  test('third parties can hook their own events with any arguments', async () => {
    const app = new Roll()
    app.listen('custom', async (arg: string) => arg)
    expect(await app.hook('custom', 'arg')).toBe('arg')
  })
})

describe('route:add event', () => {
  test('is fired synchronously at registration with the path, the view and the options', () => {
    const app = new Roll()
    const seen: unknown[] = []
    app.listen('route:add', (path, view, options) => { seen.push([path, view, options]) })
    const handler = () => {}
    app.route('/items/{id}', { methods: ['POST'], name: 'item' }, handler)
    expect(seen).toEqual([['/items/{id}', handler, { methods: ['POST'], name: 'item' }]])
    class View { onGet() {} }
    app.route('/view', View)
    expect(seen[1]).toEqual(['/view', View, {}])
  })

  test('a truthy return stops the chain, as app.hook does', () => {
    const app = new Roll()
    const second = vi.fn()
    app.listen('route:add', () => true)
    app.listen('route:add', second)
    app.route('/test', () => {})
    expect(second).not.toHaveBeenCalled()
  })

  test('a listener that throws makes the registration throw', () => {
    const app = new Roll()
    app.listen('route:add', (path) => { throw new Error(`no route ${path}`) })
    expect(() => app.route('/test', () => {})).toThrow('no route /test')
  })
})

test('app.listen refuses a listener that is not a function, naming the event', () => {
  expect(() => new Roll().listen('request', 'nope' as never)).toThrow(
    new TypeError("app.listen('request'): the listener must be a function, got string."),
  )
})
