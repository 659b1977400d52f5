// Hostile bodies: malformed multipart is a 400 "Unparsable multipart body" through serve()
// and the in-process client alike, and a client that leaves mid-body is its own loss (a
// 400 in the error event, never a 500 or a crash); the server keeps serving.
import { afterEach, describe, expect, test } from 'vitest'
import { Roll, serve, type Served } from '@roll/framework'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'
import { waitUntil } from '../../test/helpers/wait-until.js'
import { rawConnection, rawExchange } from './_raw-http.js'

const FILE_HEAD = '--zz\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
const TYPE = 'multipart/form-data; boundary=zz'

const MALFORMED = [
  ['a file part cut mid-data', `${FILE_HEAD}hello wor`],
  ['a file part cut mid-headers', '--zz\r\nContent-Disposition: form-data; name="f"; filen'],
  ['a file part without its final boundary', `${FILE_HEAD}hello world\r\n`],
  ['a file part followed by an opening delimiter only', `${FILE_HEAD}hello world\r\n--zz\r\n`],
  ['a field, then a file part cut mid-data', `--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n${FILE_HEAD}hel`],
  ['two file parts, the second cut', `${FILE_HEAD}one\r\n${FILE_HEAD}tw`],
] as const

function formApp() {
  const app = new Roll()
  app.route('/form', { methods: ['POST'] }, (request, response) => {
    response.json = { fields: [...request.form.keys()], files: [...request.files.keys()] }
  })
  app.route('/health', (request, response) => { response.body = 'ok' })
  return app
}

let clients: Client[] = []
let served: Served | undefined
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()))
  clients = []
  await served?.close()
  served = undefined
})

describe.each([
  ['createClient', async (app: Roll): Promise<Client> => createClient(app)],
  ['createLiveClient', (app: Roll): Promise<Client> => createLiveClient(app)],
] as const)('through %s', (_name, make) => {
  test.each(MALFORMED)('%s is a 400 "Unparsable multipart body"', async (_kind, body) => {
    const client = await make(formApp())
    clients.push(client)
    const response = await client.post('/form', { body, headers: { 'Content-Type': TYPE } })
    expect([response.status, response.text]).toEqual([400, 'Unparsable multipart body'])
    expect((await client.get('/health')).text).toBe('ok')
  })

  test('a whole file part still parses', async () => {
    const client = await make(formApp())
    clients.push(client)
    const response = await client.post('/form', { body: `${FILE_HEAD}hello world\r\n--zz--\r\n`, headers: { 'Content-Type': TYPE } })
    expect(response.json).toEqual({ fields: [], files: ['f'] })
  })
})

describe('through serve() over a raw socket', () => {
  test.each(MALFORMED)('%s, with a Content-Length that matches, is a 400 and the process lives on', async (_kind, body) => {
    served = await serve(formApp(), { port: 0 })
    const head = `POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: ${TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`
    const connection = await rawConnection(served.port)
    connection.socket.write(head + body)
    const answer = await connection.waitFor('Unparsable multipart body')
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    connection.socket.destroy()
    expect(await rawExchange(served.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*ok$/)
  })

  test('a client that disconnects mid-file loses only its own request', async () => {
    const app = formApp()
    const errors: unknown[] = []
    app.listen('error', (_request, _response, error) => { errors.push(error) })
    served = await serve(app, { port: 0 })
    for (let round = 0; round < 5; round++) {
      const connection = await rawConnection(served.port)
      connection.socket.write(`POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: ${TYPE}\r\nContent-Length: 1000\r\n\r\n${FILE_HEAD}hello wor`)
      await new Promise((resolve) => setTimeout(resolve, 20))
      connection.socket.destroy()
    }
    expect(await rawExchange(served.port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*ok$/)
    expect(errors.filter((error) => (error as { status?: number }).status === 500)).toEqual([])
  })

  test('a client that disconnects mid-body on a lazyBody route is a 400 for the error event, not a 500', async () => {
    const app = formApp()
    const seen: number[] = []
    app.route('/upload', { methods: ['POST'], lazyBody: true }, async (request, response) => {
      let size = 0
      for await (const chunk of request) size += chunk.length
      response.body = String(size)
    })
    app.listen('error', (_request, _response, error) => { seen.push(error.status) })
    served = await serve(app, { port: 0 })
    const connection = await rawConnection(served.port)
    connection.socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nhalf')
    await new Promise((resolve) => setTimeout(resolve, 20))
    connection.socket.destroy()
    await waitUntil('the error event', () => seen.length > 0, 2_000)
    expect(seen).toEqual([400])
  })
})
