import { afterEach, describe, expect, it } from 'vitest'
import { HTTP_METHODS, Roll } from '@roll/framework'
import { cors, options } from '@roll/framework/extensions'
import { createClient, type Client } from '@roll/framework/testing'

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

function appWith(setup: (app: Roll) => void): Client {
  const app = new Roll()
  setup(app)
  app.route('/test', (request, response) => { response.body = 'test response' })
  client = createClient(app)
  return client
}

describe('cors', () => {
  it('allows any origin by default, and sends no other CORS header', async () => {
    const response = await appWith((app) => cors(app)).get('/test')
    expect(response.status).toBe(200)
    expect(response.text).toBe('test response')
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(response.headers['access-control-allow-methods']).toBeUndefined()
    expect(response.headers['access-control-allow-headers']).toBeUndefined()
    expect(response.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('sends a custom origin', async () => {
    const response = await appWith((app) => cors(app, { origin: 'mydomain.org' })).get('/test')
    expect(response.headers['access-control-allow-origin']).toBe('mydomain.org')
    expect(response.headers['access-control-allow-methods']).toBeUndefined()
  })

  it('joins methods with a comma, no space', async () => {
    const response = await appWith((app) => cors(app, { methods: ['PATCH', 'PUT'] })).get('/test')
    expect(response.headers['access-control-allow-methods']).toBe('PATCH,PUT')
  })

  it("turns methods: '*' into every HTTP method, even on an unknown path", async () => {
    const response = await appWith((app) => cors(app, { methods: '*' })).get('/nowhere')
    expect(response.status).toBe(404)
    expect(response.headers['access-control-allow-methods']).toBe(HTTP_METHODS.join(','))
  })

  it('joins headers with a comma, no space', async () => {
    const response = await appWith((app) => cors(app, { headers: ['X-Powered-By', 'X-Requested-With'] })).get('/test')
    expect(response.headers['access-control-allow-headers']).toBe('X-Powered-By,X-Requested-With')
  })

  it('sends Access-Control-Allow-Credentials: true when asked', async () => {
    const response = await appWith((app) => cors(app, { credentials: true })).get('/test')
    expect(response.headers['access-control-allow-credentials']).toBe('true')
  })

  it('answers a preflight request together with options', async () => {
    const response = await appWith((app) => { cors(app, { methods: ['GET', 'POST'] }); options(app) }).options('/test', {
      headers: { Origin: 'https://example.org', 'Access-Control-Request-Method': 'POST' },
    })
    expect(response.status).toBe(200)
    expect(response.text).toBe('')
    expect(response.headers['access-control-allow-methods']).toBe('GET,POST')
  })
})

describe("the cors example of Roll's “How to create an extension”", () => {
  it('adds its header to every response', async () => {
    function myCors(app: Roll, value = '*') {
      app.listen('response', async (request, response) => {
        response.headers['Access-Control-Allow-Origin'] = value
      })
    }
    const response = await appWith((app) => myCors(app, 'example.org')).get('/test')
    expect(response.headers['access-control-allow-origin']).toBe('example.org')
  })
})
