// Well-formed requests the fuzzer mutates (a file is most of a multipart body, so most
// cuts and flips land inside one): every body kind the framework parses, query
// casts, cookies, placeholders, streamed answers, websocket handshakes and frames.
const CRLF = '\r\n'
const head = (lines) => Buffer.from([...lines, '', ''].join(CRLF), 'latin1')
const join = (...parts) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part)))

function withBody(requestLine, type, body, extra = []) {
  const bytes = Buffer.from(body)
  return join(head([requestLine, 'Host: fuzz', `Content-Type: ${type}`, `Content-Length: ${bytes.length}`, ...extra]), bytes)
}

function chunked(requestLine, type, pieces) {
  const body = pieces.map((piece) => `${Buffer.byteLength(piece).toString(16)}${CRLF}${piece}${CRLF}`).join('') + `0${CRLF}${CRLF}`
  return join(head([requestLine, 'Host: fuzz', `Content-Type: ${type}`, 'Transfer-Encoding: chunked']), body)
}

const MULTIPART = [
  '--b0undary', 'Content-Disposition: form-data; name="title"', '', 'a report',
  '--b0undary', 'Content-Disposition: form-data; name="upload"; filename="r\u00e9sum\u00e9.txt"', 'Content-Type: text/plain', '', 'file content\r\n'.repeat(60),
  '--b0undary', 'Content-Disposition: form-data; name="blob"; filename="b.bin"', 'Content-Type: application/octet-stream', '', '\u0000\u0001\u00ff'.repeat(50),
  '--b0undary--', '',
].join(CRLF)

// A client frame (RFC 6455 §5.2), masked as a client must (with a fixed key, so a run replays).
function frame(opcode, payload, fin = true) {
  const data = Buffer.from(payload)
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d])
  const length = data.length < 126 ? Buffer.from([0x80 | data.length]) : Buffer.from([0x80 | 126, data.length >> 8, data.length & 255])
  const masked = Buffer.from(data.map((byte, index) => byte ^ mask[index % 4]))
  return join(Buffer.from([(fin ? 0x80 : 0) | opcode]), length, mask, masked)
}

const upgrade = head([
  'GET /ws HTTP/1.1', 'Host: fuzz', 'Upgrade: websocket', 'Connection: Upgrade',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13',
])

/** Each seed is a name and the raw bytes of one connection's worth of requests. */
export const SEEDS = [
  ['hello', head(['GET /hello/world HTTP/1.1', 'Host: fuzz', 'Accept: */*'])],
  ['placeholders in one segment', head(['GET /files/report.pdf HTTP/1.1', 'Host: fuzz'])],
  ['typed and path placeholders', head(['GET /items/42/a/b%20c HTTP/1.1', 'Host: fuzz'])],
  ['query casts', head(['GET /query?n=12&f=-1.5e3&b=yes&tag=a&tag=b&tag= HTTP/1.1', 'Host: fuzz'])],
  ['cookies', head(['GET /cookies HTTP/1.1', 'Host: fuzz', 'Cookie: session=abc123; theme="dark"; n=%E2%82%AC'])],
  ['head and options', head(['HEAD /hello/world HTTP/1.1', 'Host: fuzz'])],
  ['a streamed answer', head(['GET /stream HTTP/1.1', 'Host: fuzz'])],
  ['pipelined requests', join(head(['GET /hello/one HTTP/1.1', 'Host: fuzz']), head(['GET /query?n=2 HTTP/1.1', 'Host: fuzz']))],
  ['urlencoded form', withBody('POST /form HTTP/1.1', 'application/x-www-form-urlencoded', 'name=Roll&tags=a&tags=b&empty=&utf=%C3%A9')],
  ['multipart with files', withBody('POST /form HTTP/1.1', 'multipart/form-data; boundary=b0undary', MULTIPART)],
  ['json', withBody('POST /json HTTP/1.1', 'application/json; charset=utf-8', '{"name":"roll","tags":["a","b"],"n":1.5,"ok":true,"nested":{"x":null}}')],
  ['chunked echo', chunked('POST /echo HTTP/1.1', 'text/plain', ['hello ', 'chunked ', 'world'])],
  ['chunked multipart', chunked('POST /form HTTP/1.1', 'multipart/form-data; boundary=b0undary', [MULTIPART.slice(0, 90), MULTIPART.slice(90)])],
  ['lazy body', withBody('POST /lazy HTTP/1.1', 'application/octet-stream', 'x'.repeat(3000))],
  ['lazy body, chunked', chunked('POST /lazy HTTP/1.1', 'application/octet-stream', ['abc', 'defgh'])],
  ['lazy body read whole', withBody('POST /lazy-read HTTP/1.1', 'text/plain', 'read me whole')],
  ['keep-alive then a body', join(head(['GET /hello/a HTTP/1.1', 'Host: fuzz']), withBody('POST /json HTTP/1.1', 'application/json', '[1,2,3]'))],
  ['websocket handshake', upgrade],
  ['websocket frames', join(upgrade, frame(1, 'hello'), frame(2, [0, 1, 2, 255]), frame(9, 'ping'), frame(1, 'x'.repeat(200)), frame(1, 'frag', false), frame(0, 'ment'), frame(8, [3, 232]))],
]
