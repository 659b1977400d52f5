// Tests through the in-process client: no socket, no port, the app as the server runs it.
import { HTTPStatus } from '@roll/framework'
import { createClient } from '@roll/framework/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { app } from '../src/app.js'

const client = createClient(app)
afterAll(() => client.close())

// The targets of a page's links, unescaped.
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href.replaceAll('&amp;', '&'))

describe('the first page', () => {
  it('is an HTML page named after the template', async () => {
    const resp = await client.get('/')
    expect(resp.status).toBe(HTTPStatus.OK)
    expect(resp.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(resp.text).toMatch(/^<!doctype html>/)
    expect(resp.text).toContain('<title>basic')
    expect(resp.text).toContain('<h1>basic</h1>')
    expect(resp.text).toContain('<code>src/app.ts</code>')
    expect(resp.text).toContain('<code>npm test</code>')
  })

  it('links to the icon and to each route, which answer as the page says', async () => {
    const { text } = await client.get('/')
    expect(hrefs(text)).toEqual(['/favicon.ico', '/hello/world', '/hello/foo', '/api/greeting?name=Ada'])
    expect((await client.get('/hello/world')).text).toBe('Hello world')
    expect((await client.get('/hello/foo')).status).toBe(HTTPStatus.BAD_REQUEST)
    expect((await client.get('/api/greeting?name=Ada')).json).toEqual({ greeting: 'Hello Ada' })
  })

  it('escapes the host it shows in its curl command', async () => {
    const resp = await client.get('/', { headers: { Host: '<b>"x"</b>&' } })
    expect(resp.text).toContain('curl http://&lt;b&gt;&quot;x&quot;&lt;/b&gt;&amp;/hello/world')
    expect(resp.text).not.toContain('<b>')
  })

  it('has an icon, so the browser asking for it gets no 404', async () => {
    const resp = await client.get('/favicon.ico')
    expect(resp.status).toBe(HTTPStatus.OK)
    expect(resp.headers['content-type']).toBe('image/svg+xml')
    expect(resp.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  })
})

describe('/hello/{parameter}', () => {
  // Roll's first test, from its tutorial.
  it('says hello to the parameter', async () => {
    const resp = await client.get('/hello/world')
    expect(resp.status).toBe(HTTPStatus.OK)
    expect(resp.body).toEqual(Buffer.from('Hello world'))
  })

  it('answers 400 with a message to foo', async () => {
    const resp = await client.get('/hello/foo')
    expect(resp.status).toBe(HTTPStatus.BAD_REQUEST)
    expect(resp.text).toBe('Run, you foo(l)!')
  })
})

describe('/api/greeting', () => {
  it('greets the name of the query string in JSON', async () => {
    const resp = await client.get('/api/greeting?name=Ada')
    expect(resp.status).toBe(HTTPStatus.OK)
    expect(resp.headers['content-type']).toMatch(/^application\/json/)
    expect(resp.json).toEqual({ greeting: 'Hello Ada' })
  })

  it('greets the world without a name', async () => {
    const resp = await client.get('/api/greeting')
    expect(resp.json).toEqual({ greeting: 'Hello world' })
  })
})

describe('logger', () => {
  it('logs the method and the url of each request', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    await client.get('/hello/logged?x=1')
    expect(info).toHaveBeenCalledWith('GET /hello/logged?x=1')
    info.mockRestore()
  })
})

it('answers 404 to an unknown path', async () => {
  const resp = await client.get('/nope')
  expect(resp.status).toBe(HTTPStatus.NOT_FOUND)
})
