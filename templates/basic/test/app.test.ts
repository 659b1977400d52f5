// Tests through the in-process client: no socket, no port, the app as the server runs it.
import { HTTPStatus } from '@roll/framework'
import { createClient } from '@roll/framework/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { app } from '../src/app.js'

const client = createClient(app)
afterAll(() => client.close())

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
