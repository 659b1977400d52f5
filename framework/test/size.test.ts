// The size budget of the core (STYLE.md "Size"): growth past it is a decision, made by
// changing this file, not a drift. Core = every .ts file under framework/src, in any
// folder (a new router/ or pubsub/ counts), except extensions/ and the test clients
// (testing.ts and its testing-* helpers), which the core never imports.
import { readdirSync, readFileSync } from 'node:fs'
import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

interface Size { file: string; total: number; code: number }

function measure(file: string): Size {
  const lines = readFileSync(SRC + file, 'utf8').replace(/\n$/, '').split('\n')
  let inBlock = false
  let code = 0
  for (const raw of lines) {
    const line = raw.trim()
    if (inBlock) {
      inBlock = !line.includes('*/')
      continue
    }
    if (line === '' || line.startsWith('//')) continue
    if (line.startsWith('/*')) {
      inBlock = !line.includes('*/')
      continue
    }
    code++
  }
  return { file, total: lines.length, code }
}

const isCore = (file: string) => file.endsWith('.ts') && !file.startsWith('extensions/') && !/(^|\/)testing[^/]*$/.test(file)
const core = (readdirSync(SRC, { recursive: true }) as string[])
  .map((file) => file.split(sep).join('/'))
  .filter(isCore)
  .sort()
  .map(measure)
const sum = (sizes: Size[], key: 'total' | 'code') => sizes.reduce((total, size) => total + size[key], 0)

describe('the core', () => {
  test('holds the files STYLE.md lists', () => {
    expect(core.map((size) => size.file)).toEqual(expect.arrayContaining([
      'app.ts', 'cookies.ts', 'errors.ts', 'index.ts', 'multidict.ts', 'multipart.ts', 'request.ts', 'response.ts',
      'router.ts', 'server.ts', 'types.ts', 'wire.ts',
    ]))
  })

  // 20 lines past STYLE.md's 1,500 / 2,000 since the hot path (issue 14) answers a
  // synchronous request without a promise and reads a Node body by its events: a few
  // percent of CPU per request (docs/discussions/decisions.md, "The hot path"); +1 since a
  // request checks one flag, not a Map per lifecycle event, until such a listener exists;
  // +16 since `headers`, `request` and `response` listeners that return no promise are
  // called without one, with two arguments rather than a spread (app.ts: `#fire`,
  // `#respond`, `then`): 10% off every request of a server with a health check.
  test('stays within about 1,500 lines of code', () => {
    expect(sum(core, 'code'), JSON.stringify(core)).toBeLessThanOrEqual(1537)
  })

  // +13: why a malformed HTTP version is a 400 and an unsupported one a 505 (server.ts, 1),
  // the strict UTF-8 decoder of JSON bodies (request.ts, 1), Roll's quoted raw-byte
  // `filename*`, which busboy drops (multipart.ts, 11). +9: the hot path's interned method
  // names, its imports of node:buffer, whose global is a getter, and the flag of per-request
  // listeners (request.ts, wire.ts, app.ts; issue 14). +23: listeners called without a
  // promise when they return none (app.ts; issue 14).
  test('stays within about 2,000 lines, blanks and comments included', () => {
    expect(sum(core, 'total'), JSON.stringify(core)).toBeLessThanOrEqual(2065)
  })

  test.each(core.map((size) => [size.file, size.total] as const))('file %s stays within about 350 lines', (_file, total) => {
    expect(total).toBeLessThanOrEqual(350)
  })

  // The router is a tree since it had to stay fast with 4,000 routes: its three files are
  // on the reading path, which grew from about 800 lines to about 1,000 (+7: synchronous listeners without a promise).
  test('keeps the reading path app → router → request → response within about 1,000 lines', () => {
    const path = core.filter((size) => ['app.ts', 'router.ts', 'route-path.ts', 'route-segment.ts', 'request.ts', 'response.ts'].includes(size.file))
    expect(sum(path, 'total')).toBeLessThanOrEqual(1_034)
  })
})

describe('what counts as core', () => {
  test('every file in any folder, but extensions and the test clients', () => {
    expect(isCore('router/tree.ts')).toBe(true)
    expect(isCore('pubsub/hub.ts')).toBe(true)
    expect(isCore('app.ts')).toBe(true)
    expect(isCore('extensions/cors.ts')).toBe(false)
    expect(isCore('testing.ts')).toBe(false)
    expect(isCore('testing-websocket.ts')).toBe(false)
    expect(isCore('router/testing-oracle.ts')).toBe(false)
  })
})

describe('the line counter', () => {
  test('counts code apart from blanks and comments', () => {
    const self = measure('../test/size.test.ts')
    expect(self.code).toBeGreaterThan(40)
    expect(self.code).toBeLessThan(self.total)
  })
})
