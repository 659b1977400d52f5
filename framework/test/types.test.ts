// Type-level promises of the public API: path params inferred from the path literal,
// and custom events typed through RollEvents augmentation.
import { describe, expect, expectTypeOf, test } from 'vitest'
import { Roll, type PathParams, type Request, type Response } from '@roll/framework'

declare module '@roll/framework' {
  interface RollEvents {
    'db:connect': (url: string, retries: number) => boolean
  }
}

describe('app.route', () => {
  test('types params from the placeholders of the path literal', () => {
    const app = new Roll()
    app.route('/hello/{name}', (request, response, params) => {
      expectTypeOf(request).toEqualTypeOf<Request>()
      expectTypeOf(response).toEqualTypeOf<Response>()
      expectTypeOf(params).toEqualTypeOf<{ name: string }>()
      // @ts-expect-error 'nmae' is not a placeholder of '/hello/{name}'
      params.nmae
    })
    expect(app.lookup('/hello/you').vars).toEqual({ name: 'you' })
  })

  test('types typed and regex placeholders by their name only', () => {
    expectTypeOf<PathParams<'/items/{id:digit}/{slug}.{ext:alnum}'>>().toEqualTypeOf<{ id: string; slug: string; ext: string }>()
    expectTypeOf<PathParams<'/years/{year:\\d{4}}/{slug}'>>().toEqualTypeOf<{ year: string; slug: string }>()
    expectTypeOf<PathParams<'/static'>>().toEqualTypeOf<{}>()
    expectTypeOf<PathParams<string>>().toEqualTypeOf<Record<string, string>>()
  })

  test('types params in the options and curried forms too', () => {
    const app = new Roll()
    app.route('/a/{x}', { methods: ['POST'] }, (_request, _response, params) => {
      expectTypeOf(params).toEqualTypeOf<{ x: string }>()
    })
    app.route('/b/{y:path}')((_request, _response, params) => {
      expectTypeOf(params).toEqualTypeOf<{ y: string }>()
    })
  })
})

describe('RollEvents augmentation', () => {
  test('types app.listen and app.hook for a custom event', async () => {
    const app = new Roll()
    app.listen('db:connect', (url, retries) => {
      expectTypeOf(url).toEqualTypeOf<string>()
      expectTypeOf(retries).toEqualTypeOf<number>()
      return url.startsWith('postgres:') && retries > 0
    })
    // @ts-expect-error retries must be a number
    void app.hook('db:connect', 'postgres://db', 'three')
    expect(await app.hook('db:connect', 'postgres://db', 3)).toBe(true)
  })

  test('keeps the built-in events typed', () => {
    const app = new Roll()
    app.listen('error', (_request, _response, error) => {
      expectTypeOf(error.status).toEqualTypeOf<number>()
    })
  })
})
