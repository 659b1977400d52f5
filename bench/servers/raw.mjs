// The baseline: raw node:http doing what the Roll app does, by hand.
import { createServer } from 'node:http'

const json = { message: 'Hello, World!' }
const text = 'text/plain; charset=utf-8'
const jsonType = 'application/json; charset=utf-8'
const send = (response, status, type, body) => {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) })
  response.end(body)
}
export const server = createServer((request, response) => {
  const url = request.url
  const mark = url.indexOf('?')
  const path = mark === -1 ? url : url.slice(0, mark)
  if (path.startsWith('/hello/')) {
    send(response, 200, text, `Hello ${decodeURIComponent(path.slice(7))}`)
  } else if (path === '/json') {
    send(response, 200, jsonType, JSON.stringify(json))
  } else if (path === '/query') {
    const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1))
    send(response, 200, jsonType, JSON.stringify({ name: query.get('name'), n: query.get('n') }))
  } else if (path === '/echo' && request.method === 'POST') {
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      let value
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return send(response, 400, text, 'Unparsable JSON body')
      }
      send(response, 200, jsonType, JSON.stringify(value))
    })
  } else {
    // As Roll does: the path as the body.
    send(response, 404, text, decodeURIComponent(path))
  }
})
server.keepAliveTimeout = 5000
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'))
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
