// Writing a Response on the wire, for HTTP requests and refused websocket upgrades alike:
// framing (Content-Length or chunked), cookies, streamed bodies pulled as fast as the
// client reads, and the last-resort plain 500.
import { Buffer } from 'node:buffer' // not the global: that is a getter
import type { Socket } from 'node:net'
import { logUnexpected } from './app.js'
import { HttpError } from './errors.js'
import type { Request } from './request.js'
import { COOKIES, type Headers, type Response } from './response.js'

/** Where a response is written: Node's `ServerResponse`, or the test client's stand-in. */
export interface ResponseSink {
  writeHead(status: number, headers: Headers): unknown
  write(chunk: string | Uint8Array): boolean
  end(chunk?: string | Uint8Array): unknown
  destroy(error?: Error): unknown
  readonly destroyed: boolean
  once(event: 'drain' | 'close', listener: () => void): unknown
  off(event: 'drain' | 'close', listener: () => void): unknown
}

export const TEXT = 'text/plain; charset=utf-8'

// One pass over the handler's headers: drop a Content-Length set by hand under another spelling
// (ours replaces it; two would be a framing error), and tell whether a Content-Type is set.
// The usual spellings are not lower-cased: that costs a new string each.
function prepareHeaders(headers: Headers): boolean {
  let hasType = false
  for (const name in headers) {
    if (name === 'Content-Length') continue
    const lower = name === 'Content-Type' ? 'content-type' : name.toLowerCase()
    if (lower === 'content-type') hasType = true
    else if (lower === 'content-length') delete headers[name]
  }
  return hasType
}

function isAsyncIterable(body: unknown): body is AsyncIterable<unknown> {
  return body !== null && typeof body === 'object' && Symbol.asyncIterator in body
}

/** Writes `response` to `sink`: the framing rules of RFC 9110 §6.4.1 and §8.6 for bodies and Content-Length. */
export function writeResponse(response: Response, sink: ResponseSink, closeConnection = false): Promise<void> | undefined {
  const { status, headers } = response
  const cookies = response[COOKIES]
  if (cookies !== undefined && cookies.size > 0) {
    const set = headers['Set-Cookie']
    headers['Set-Cookie'] = set === undefined ? cookies.headers() : [...(Array.isArray(set) ? set : [String(set)]), ...cookies.headers()]
  }
  if (closeConnection) headers['Connection'] = 'close'
  if (status < 200 || status === 204 || status === 304 || response.request.method === 'HEAD') {
    sink.writeHead(status, headers)
    sink.end()
    return
  }
  const body = response.body
  if (isAsyncIterable(body)) return writeStream(body, status, headers, sink)
  const bytes = typeof body === 'string' || body instanceof Uint8Array ? body : String(body)
  const hasType = prepareHeaders(headers)
  if (typeof bytes === 'string') {
    if (!hasType) headers['Content-Type'] = TEXT
    headers['Content-Length'] = Buffer.byteLength(bytes)
  } else headers['Content-Length'] = bytes.byteLength
  sink.writeHead(status, headers)
  sink.end(bytes)
}

// Pulls the iterable only as fast as the client reads; closes it when the client goes
// away; on a failure, ends the connection without the terminating chunk.
async function writeStream(body: AsyncIterable<unknown>, status: number, headers: Headers, sink: ResponseSink): Promise<void> {
  const iterator = body[Symbol.asyncIterator]()
  let settled = false
  const onClose = () => {
    if (!settled) void Promise.resolve(iterator.return?.()).catch(() => {})
  }
  sink.once('close', onClose)
  sink.writeHead(status, headers)
  try {
    for (;;) {
      const { value, done } = await iterator.next()
      if (done || sink.destroyed) break
      const chunk = typeof value === 'string' || value instanceof Uint8Array ? value : String(value)
      if (!sink.write(chunk)) await drainOrClose(sink)
    }
    settled = true
    if (!sink.destroyed) sink.end()
  } catch (error) {
    settled = true
    console.error('[roll] the response body stream failed; the connection was closed:', error)
    cutShort(sink)
  } finally {
    sink.off('close', onClose)
  }
}

// Ends the connection after what was written so far, without the terminating chunk,
// so the client sees a truncated response (destroying the socket could drop the last writes).
function cutShort(sink: ResponseSink): void {
  const socket = (sink as { socket?: Socket | null }).socket
  if (socket) socket.end()
  else sink.destroy()
}

function drainOrClose(sink: ResponseSink): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done)
      sink.off('close', done)
      resolve()
    }
    sink.once('drain', done)
    sink.once('close', done)
  })
}

/**
 * The last resort when a response cannot be written (e.g. a header value with CR/LF):
 * Node refuses it before sending anything, so a plain 500 can still go out.
 */
export function answerPlainError(request: Request, sink: ResponseSink, error: unknown): void {
  logUnexpected(request, new HttpError(500, undefined, { cause: error }))
  if (sink.destroyed) return
  try {
    // Node keeps the status message of a refused writeHead ('OK'): name ours.
    if ('statusMessage' in sink) sink.statusMessage = 'Internal Server Error'
    sink.writeHead(500, { 'Content-Type': TEXT, 'Content-Length': 21, Connection: 'close' })
    sink.end('Internal Server Error')
  } catch {
    sink.destroy()
  }
}

