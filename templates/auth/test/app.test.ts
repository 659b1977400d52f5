// Tests for each way a request can come: without credentials, with the right ones, the
// wrong ones, or a malformed header; over HTTP and over a websocket.
import { once } from 'node:events'
import { createClient, createLiveClient } from '@roll/framework/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createApp } from '../src/app.js'
import { credentialsFromEnv, parseBasic } from '../src/auth.js'

const credentials = { username: 'ada', password: 'correct horse:battery', realm: 'Tests' }
const client = createClient(createApp(credentials))
afterAll(() => client.close())

const basic = (userPass: string | Buffer) => `Basic ${Buffer.from(userPass).toString('base64')}`
const getPrivate = (authorization?: string) =>
  client.get('/private', { headers: authorization === undefined ? {} : { Authorization: authorization } })

function expectChallenge(resp: { status: number; headers: Record<string, unknown> }) {
  expect(resp.status).toBe(401)
  expect(resp.headers['www-authenticate']).toBe('Basic realm="Tests", charset="UTF-8"')
}

describe('the public route', () => {
  it('needs no credentials', async () => {
    const resp = await client.get('/')
    expect(resp.status).toBe(200)
    expect(resp.text).toContain('public')
  })

  it('is an HTML page named after the template', async () => {
    const resp = await client.get('/')
    expect(resp.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(resp.text).toMatch(/^<!doctype html>/)
    expect(resp.text).toContain('<title>auth')
    expect(resp.text).toContain('<h1>auth</h1>')
    expect(resp.text).toContain('<code>src/app.ts</code>')
    expect(resp.text).toContain('<code>npm test</code>')
  })

  it('links to the icon and the protected route, and names the websocket', async () => {
    const { text } = await client.get('/')
    expect([...text.matchAll(/href="([^"]*)"/g)].map(([, href]) => href)).toEqual(['/favicon.ico', '/private'])
    expect(text).toContain('<code>/private/ws</code>')
  })

  it('says where the credentials come from, never what they are', async () => {
    const { text } = await client.get('/')
    expect(text).toContain('<code>AUTH_USERNAME</code> and <code>AUTH_PASSWORD</code>')
    expect(text).not.toContain('are not set')
    expect(text).not.toContain(credentials.password)
  })

  it('says how to set the credentials when they are missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const locked = createClient(createApp(undefined))
    const { status, text } = await locked.get('/')
    expect(status).toBe(200)
    expect(text).toContain('are not set')
    expect(text).toContain('<code>.env.example</code>')
    await locked.close()
    warn.mockRestore()
  })

  it('escapes the host it shows in its curl command', async () => {
    const resp = await client.get('/', { headers: { Host: '<b>"x"</b>&' } })
    expect(resp.text).toContain('http://&lt;b&gt;&quot;x&quot;&lt;/b&gt;&amp;/private</code>')
    expect(resp.text).not.toContain('<b>')
  })

  it('has an icon, without credentials, so the browser asking for it gets no 404', async () => {
    const resp = await client.get('/favicon.ico')
    expect(resp.status).toBe(200)
    expect(resp.headers['content-type']).toBe('image/svg+xml')
    expect(resp.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  })
})

describe('the private route', () => {
  it('lets the right user name and password in', async () => {
    const resp = await getPrivate(basic('ada:correct horse:battery'))
    expect(resp.status).toBe(200)
    expect(resp.text).toBe('Hello ada, you are logged in.')
  })

  it('takes the scheme in any case', async () => {
    const resp = await getPrivate(basic('ada:correct horse:battery').replace('Basic', 'bAsIc'))
    expect(resp.status).toBe(200)
  })

  it('challenges a request without credentials', async () => {
    expectChallenge(await getPrivate())
  })

  it('challenges a wrong password', async () => {
    expectChallenge(await getPrivate(basic('ada:wrong')))
  })

  it('challenges a wrong user name', async () => {
    expectChallenge(await getPrivate(basic('bob:correct horse:battery')))
  })

  it.each([
    ['base64 with characters outside its alphabet', 'Basic !!!not-base64!!!'],
    ['base64 of the wrong length', 'Basic YWRhOnB3Z'],
    ['a token without a colon', basic('adapassword')],
    ['bytes that are not UTF-8', basic(Buffer.from([0x61, 0x3a, 0xff, 0xfe]))],
    ['another scheme', 'Bearer YWRhOnB3ZA=='],
    ['a scheme without a token', 'Basic'],
    ['an empty header', ''],
  ])('challenges a malformed header: %s', async (_, header) => {
    expectChallenge(await getPrivate(header))
  })

  it('stays locked when no credentials are configured', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const locked = createClient(createApp(undefined))
    const resp = await locked.get('/private', { headers: { Authorization: basic(':') } })
    expect(resp.status).toBe(401)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('AUTH_USERNAME'))
    await locked.close()
    warn.mockRestore()
  })
})

describe('the private websocket', () => {
  it('refuses the upgrade with a 401 challenge without credentials', async () => {
    const live = await createLiveClient(createApp(credentials))
    const socket = new WebSocket(`${live.wsUrl}/private/ws`)
    const [, response] = await once(socket, 'unexpected-response')
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Basic realm="Tests", charset="UTF-8"')
    // Dropping a socket that never opened makes `ws` emit an error: expected here.
    socket.on('error', () => {})
    socket.terminate()
    await live.close()
  })

  it('greets and echoes an authorized client', async () => {
    const live = await createLiveClient(createApp(credentials))
    const socket = new WebSocket(`${live.wsUrl}/private/ws`, { headers: { Authorization: basic('ada:correct horse:battery') } })
    const [greeting] = await once(socket, 'message')
    expect(greeting.toString()).toBe('Hello ada')
    socket.send('ping?')
    const [echo] = await once(socket, 'message')
    expect(echo.toString()).toBe('ping?')
    socket.close()
    await once(socket, 'close')
    await live.close()
  })
})

describe('credentialsFromEnv', () => {
  it('reads AUTH_USERNAME, AUTH_PASSWORD and AUTH_REALM', () => {
    expect(credentialsFromEnv({ AUTH_USERNAME: 'ada', AUTH_PASSWORD: 'pw', AUTH_REALM: 'Lab' })).toEqual({
      username: 'ada',
      password: 'pw',
      realm: 'Lab',
    })
  })

  it('gives nothing when a credential is missing', () => {
    expect(credentialsFromEnv({ AUTH_USERNAME: 'ada' })).toBeUndefined()
  })
})

describe('parseBasic', () => {
  it('splits at the first colon: passwords may hold colons', () => {
    expect(parseBasic(basic('ada:a:b'))).toEqual({ username: 'ada', password: 'a:b' })
  })
})
