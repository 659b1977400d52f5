// The baseline: raw node:http doing what the Roll app does, by hand.
import { createServer } from 'node:http'

const json = { message: 'Hello, World!' }
const server = createServer((request, response) => {
  const url = request.url
  if (url.startsWith('/hello/')) {
    const body = `Hello ${decodeURIComponent(url.slice(7))}`
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  } else if (url === '/json') {
    const body = JSON.stringify(json)
    response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  } else {
    response.writeHead(404).end()
  }
})
server.keepAliveTimeout = 5000
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'))
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
