import { afterEach, describe, expect, it } from 'vitest'
import { Roll } from '@roll/framework'
import { contentNegociation, contentNegotiation } from '@roll/framework/extensions'
import { createClient, type Client } from '@roll/framework/testing'

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

function appAccepting(accepts: string[] | undefined, methods = ['GET']): Client {
  const app = new Roll()
  contentNegotiation(app)
  app.route('/test', { methods, ...(accepts && { accepts }) }, (request, response) => {
    if (request.headers['ACCEPT'] === 'application/json') response.json = { status: 'accepted' }
    else {
      response.headers['Content-Type'] = 'text/html'
      response.body = '<h1>accepted</h1>'
    }
  })
  client = createClient(app)
  return client
}

describe('contentNegotiation', () => {
  // First in the file: the negotiator is still loading when these arrive.
  it('decides from the first requests, while it loads its negotiator', async () => {
    const client = appAccepting(['text/html'])
    const [refused, accepted] = await Promise.all([
      client.get('/test', { headers: { Accept: 'application/json' } }),
      client.get('/test', { headers: { Accept: 'text/html' } }),
    ])
    expect([refused.status, accepted.status, accepted.text]).toEqual([406, 200, '<h1>accepted</h1>'])
  })

  it('lets through a request whose Accept matches', async () => {
    const response = await appAccepting(['text/html']).get('/test', { headers: { Accept: 'text/html' } })
    expect(response.status).toBe(200)
    expect(response.text).toBe('<h1>accepted</h1>')
    expect(response.headers['content-type']).toBe('text/html')
  })

  it('lets the handler pick among several accepted types', async () => {
    const client = appAccepting(['text/html', 'application/json'])
    expect((await client.get('/test', { headers: { Accept: 'text/html' } })).text).toBe('<h1>accepted</h1>')
    const json = await client.get('/test', { headers: { Accept: 'application/json' } })
    expect(json.json).toEqual({ status: 'accepted' })
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8')
  })

  it('answers 406 when the Accept header matches none of the route’s accepts', async () => {
    const response = await appAccepting(['text/html']).get('/test', { headers: { Accept: 'text/css' } })
    expect(response.status).toBe(406)
    expect(response.text).toBe('Not Acceptable')
  })

  it('answers 406 when there is no Accept header, as Roll does, even for */*', async () => {
    expect((await appAccepting(['*/*']).get('/test')).status).toBe(406)
  })

  it('accepts wildcards in the Accept header, and weights', async () => {
    const client = appAccepting(['text/css'])
    expect((await client.get('/test', { headers: { Accept: 'text/*' } })).status).toBe(200)
    expect((await client.get('/test', { headers: { Accept: '*/*' } })).status).toBe(200)
    expect((await client.get('/test', { headers: { Accept: 'text/html, text/css;q=0.5' } })).status).toBe(200)
    expect((await client.get('/test', { headers: { Accept: 'text/css;q=0' } })).status).toBe(406)
  })

  it('lets a route accepting */* take any Accept header', async () => {
    expect((await appAccepting(['*/*']).get('/test', { headers: { Accept: 'image/png' } })).status).toBe(200)
  })

  it('negotiates POST requests too', async () => {
    const client = appAccepting(['application/json'], ['POST'])
    const accepted = await client.post('/test', { form: { key: 'value' }, headers: { Accept: 'application/json' } })
    expect(accepted.status).toBe(200)
    expect(accepted.json).toEqual({ status: 'accepted' })
    const refused = await appAccepting(['text/html'], ['POST']).post('/test', { form: { key: 'value' }, headers: { Accept: 'application/json' } })
    expect(refused.status).toBe(406)
  })

  it('leaves routes without accepts alone', async () => {
    expect((await appAccepting(undefined).get('/test')).status).toBe(200)
  })

  it('is also spelled contentNegociation, as in Roll', () => {
    expect(contentNegociation).toBe(contentNegotiation)
  })
})
