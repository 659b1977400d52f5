// A mutation fuzzer for the HTTP and websocket paths: it mutates well-formed requests
// (seeds.mjs) byte by byte and header by header, sends each batch over raw sockets to a
// live server in a child process (target.mjs), and checks after every batch that the
// server is alive, answered no 500 and still serves a plain GET. fast-check generates
// the mutations: a failure comes with a seed and a path that replay it exactly, shrunk
// to the smallest batch that still fails.
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { SEEDS } from './seeds.mjs'

const TARGET = fileURLToPath(new URL('./target.mjs', import.meta.url))
const bytes = (text) => Buffer.from(text, 'latin1')
const JUNK = [
  '\r\n', '\r', '\n', '\0', ' ', '\t', ':', ';', ',', '%', '%zz', '%00', '"', '{', '}', '--', '\r\n\r\n', '0\r\n\r\n',
  'chunked', '\xff\xfe', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n', '--b0undary\r\n', '-1', '99999999999999999999',
  '\x88\x80', '\x81\xfe\xff\xff', 'Upgrade: websocket\r\n', 'Expect: 100-continue\r\n',
].map(bytes)

// Where in the request a mutation lands, as a fraction of its length. (fc.double would crowd
// its values near 0: it draws evenly among representable doubles, not along the line.)
const at = fc.integer({ min: 0, max: 9_999 }).map((n) => n / 10_000)
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate'), at }),
  fc.record({ kind: fc.constant('insert'), at, junk: fc.oneof(fc.constantFrom(...JUNK), fc.uint8Array({ minLength: 1, maxLength: 12 }).map(Buffer.from)) }),
  fc.record({ kind: fc.constant('delete'), at, length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('repeat'), at, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('duplicateHeader'), line: fc.nat(), times: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant('hugeHeader'), size: fc.integer({ min: 1_000, max: 120_000 }) }),
  fc.record({
    kind: fc.constant('contentLength'),
    value: fc.oneof(fc.integer({ min: -5, max: 70_000 }).map(String), fc.constantFrom('', ' 5', '5, 5', '0x10', '1e3', '-0', '+5', '18446744073709551616')),
  }),
  fc.record({
    kind: fc.constant('rechunk'),
    sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
    lie: fc.integer({ min: -3, max: 3 }),
    extension: fc.constantFrom('', ';name=value', ' ', 'zz', '\r\n', ';\0'),
  }),
)
// Most requests then get a Content-Length that matches the mutated body, as a client
// that means what it sends would: the server parses them instead of waiting for more.
const fuzzedRequest = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  honestLength: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
})

function splitHead(data) {
  const end = data.indexOf('\r\n\r\n')
  return end === -1 ? [data, Buffer.alloc(0), ''] : [data.subarray(0, end), data.subarray(end + 4), '\r\n\r\n']
}

function withHeaders(data, change) {
  const [headBytes, body, separator] = splitHead(data)
  const lines = change(headBytes.toString('latin1').split('\r\n'))
  return Buffer.concat([bytes(lines.join('\r\n') + separator), body])
}

// Sets the first request's Content-Length, if it has one, to the length of what follows its head.
function honestLength(data) {
  const [, body] = splitHead(data)
  return withHeaders(data, (lines) => lines.map((line) => (/^content-length:/i.test(line) ? `Content-Length: ${body.length}` : line)))
}

/** The bytes of `seed` after `mutations`, applied in order. */
export function mutate(seed, mutations, honest = false) {
  let data = Buffer.from(seed)
  for (const m of mutations) {
    const index = Math.floor(m.at * data.length)
    switch (m.kind) {
      case 'flip':
        if (data.length > 0) data[index] ^= 1 << m.bit
        break
      case 'truncate': data = data.subarray(0, index); break
      case 'insert': data = Buffer.concat([data.subarray(0, index), m.junk, data.subarray(index)]); break
      case 'delete': data = Buffer.concat([data.subarray(0, index), data.subarray(index + m.length)]); break
      case 'repeat': {
        const slice = data.subarray(index, index + m.length)
        data = Buffer.concat([data.subarray(0, index), ...Array(m.times + 1).fill(slice), data.subarray(index + m.length)])
        break
      }
      case 'duplicateHeader':
        data = withHeaders(data, (lines) => {
          if (lines.length < 2) return lines
          const line = lines[1 + (m.line % (lines.length - 1))]
          return [lines[0], ...Array(m.times).fill(line), ...lines.slice(1)]
        })
        break
      case 'hugeHeader': data = withHeaders(data, (lines) => [lines[0], `X-Fuzz: ${'a'.repeat(m.size)}`, ...lines.slice(1)]); break
      case 'contentLength':
        data = withHeaders(data, (lines) => [...lines.filter((line) => !/^content-length:/i.test(line)), `Content-Length: ${m.value}`])
        break
      case 'rechunk': {
        const [, body] = splitHead(data)
        const chunks = []
        for (let offset = 0, i = 0; offset < body.length; offset += m.sizes[i % m.sizes.length], i++) {
          const piece = body.subarray(offset, offset + m.sizes[i % m.sizes.length])
          const size = i === 0 ? Math.max(0, piece.length + m.lie) : piece.length
          chunks.push(bytes(`${size.toString(16)}${m.extension}\r\n`), piece, bytes('\r\n'))
        }
        const head = withHeaders(Buffer.concat([splitHead(data)[0], bytes('\r\n\r\n')]), (lines) => [
          ...lines.filter((line) => !/^(content-length|transfer-encoding):/i.test(line)), 'Transfer-Encoding: chunked',
        ])
        data = Buffer.concat([head, ...chunks, bytes('0\r\n\r\n')])
        break
      }
    }
  }
  return honest ? honestLength(data) : data
}

/** The server under attack: a child process, its port, and what it printed on stderr. */
class Target {
  static async start() {
    const child = spawn(process.execPath, [TARGET], { stdio: ['ignore', 'pipe', 'pipe'] })
    const target = new Target(child)
    target.port = await new Promise((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`the fuzz target did not start within 10 s: ${target.stderr}`)), 10_000)
      child.stdout.on('data', (chunk) => {
        out += chunk
        const found = /listening (\d+)/.exec(out)
        if (found) { clearTimeout(timer); resolve(Number(found[1])) }
      })
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the fuzz target exited with ${code}: ${target.stderr}`)) })
    })
    return target
  }

  constructor(child) {
    this.child = child
    this.stderr = ''
    this.exit = undefined
    child.stderr.on('data', (chunk) => (this.stderr += chunk))
    child.once('close', (code, signal) => (this.exit = signal ?? `code ${code}`))
  }

  /** What the server printed on stderr since the last call: the target prints nothing there unless something went wrong. */
  takeErrors() {
    const errors = this.stderr.split('\n').filter((line) => line.trim() !== '')
    this.stderr = ''
    return errors
  }

  /** Resolves once the server has closed its output, if it does within `timeout` ms, so its last words are read. */
  settled(timeout) {
    if (this.exit !== undefined) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeout)
      this.child.once('close', () => { clearTimeout(timer); resolve() })
    })
  }

  stop() {
    if (this.exit === undefined) this.child.kill('SIGKILL')
  }
}

/** Sends `data` on a fresh connection; resolves with the status lines received once the server closes or goes quiet. */
function exchange(port, data, quiet = 150) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    let timer
    const done = (how) => {
      clearTimeout(timer)
      socket.destroy()
      const statuses = [...received.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((match) => Number(match[1]))
      resolve({ statuses, how })
    }
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => done('quiet'), quiet) }
    socket.setEncoding('latin1')
    socket.on('connect', () => { socket.write(data); arm() })
    socket.on('data', (chunk) => { received += chunk; arm() })
    socket.on('close', () => done('closed'))
    socket.on('error', () => {})
  })
}

const HEALTH = bytes('GET /health HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n')
const requestBytes = ({ seed, mutations, honestLength }) => mutate(SEEDS[seed][1], mutations, honestLength)

/** Sends `requests` at once, then a plain GET; resolves with what went wrong (nothing, when all is well). */
async function attack(target, requests, stats) {
  const results = await Promise.all(requests.map((request) => exchange(target.port, requestBytes(request))))
  stats.batches++
  stats.requests += results.length
  for (const { statuses, how } of results) {
    for (const status of statuses) stats.statuses[status] = (stats.statuses[status] ?? 0) + 1
    if (statuses.length === 0) how === 'closed' ? stats.closedWithoutAnswer++ : stats.waitingForMore++
  }
  const health = await exchange(target.port, HEALTH, 2_000)
  if (health.statuses[0] !== 200) await target.settled(1_000)
  const problems = []
  if (target.exit !== undefined) {
    stats.crashes++
    problems.push(`the server exited (${target.exit}):\n${target.stderr.slice(-3000)}`)
  } else if (health.statuses[0] !== 200) problems.push(`GET /health answered ${health.statuses[0] ?? 'nothing'} (${health.how})`)
  const fiveHundreds = results.flatMap(({ statuses }, i) => (statuses.includes(500) ? [SEEDS[requests[i].seed][0]] : []))
  if (fiveHundreds.length > 0) problems.push(`500 answered to mutations of: ${fiveHundreds.join(', ')}`)
  const logged = target.exit === undefined ? target.takeErrors() : []
  if (logged.length > 0) problems.push(`the server logged:\n${logged.slice(0, 20).join('\n')}`)
  return problems
}

/** Which requests of a failing batch fail on their own, each against a fresh server. */
async function culprits(requests, stats) {
  const found = []
  for (const request of requests) {
    const target = await Target.start()
    try {
      const problems = await attack(target, [request], stats)
      if (problems.length > 0) {
        found.push({ seed: SEEDS[request.seed][0], mutations: request.mutations, honestLength: request.honestLength, bytes: requestBytes(request).toString('latin1').slice(0, 600), problems })
      }
    } finally {
      target.stop()
    }
  }
  return found
}

/**
 * Fuzzes for `seconds`, in batches of `batch` concurrent connections. Resolves with the
 * figures of the run and `failure` (undefined when nothing failed): what went wrong, the
 * seed and path that replay the failing batch, and the requests that fail on their own.
 */
export async function fuzz({ seconds = 60, seed = Date.now() % 2 ** 31, path, batch = 48, onBatch } = {}) {
  const stats = { seed, seconds, batches: 0, requests: 0, statuses: {}, closedWithoutAnswer: 0, waitingForMore: 0, crashes: 0 }
  let target = await Target.start()
  const property = fc.asyncProperty(fc.array(fuzzedRequest, { minLength: batch, maxLength: batch }), async (requests) => {
    const problems = await attack(target, requests, stats)
    onBatch?.(stats)
    if (problems.length > 0) throw new Error(problems.join('\n'))
  })
  const started = Date.now()
  try {
    // No shrinking: a batch's culprits are found by replaying its requests one by one.
    const report = await fc.check(property, {
      seed, path, unbiased: true, endOnFailure: true, numRuns: path === undefined ? 10_000_000 : 1,
      interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false,
    })
    stats.seconds = Math.round((Date.now() - started) / 100) / 10
    if (!report.failed) return { stats }
    target.stop()
    const batchRequests = report.counterexample[0]
    return {
      stats,
      failure: {
        error: String(report.errorInstance?.message ?? report.error), seed: report.seed, path: report.counterexamplePath,
        culprits: await culprits(batchRequests, { ...stats, statuses: {} }),
      },
    }
  } finally {
    target.stop()
  }
}
