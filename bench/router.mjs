// Roll's router against its peers, in-process: find-my-way (Fastify's), hono's RegExpRouter
// and TrieRouter, rou3. Only the lookup `path → route and placeholders` is timed, on REST-shaped
// tables of 4 to 4,000 routes and on two route sets other router benchmarks use. Before any
// timing every router must give the expected route and placeholders for every lookup (exit 1 if
// not). The machine drifts, so each round times every router once in rotating order, and a
// router's ratio to find-my-way is taken within a round. Roll comes from framework/dist
// (`npm run build`). `--quick`: fewer, shorter rounds.
import FindMyWay from 'find-my-way'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { TrieRouter } from 'hono/router/trie-router'
import { addRoute, createRouter, findRoute } from 'rou3'
import { Router } from '../framework/dist/index.js'
import * as github from './github-api-routes.mjs'
import * as routerBenchmark from './router-benchmark-routes.mjs'

const quick = process.argv.includes('--quick')
const ROUNDS = quick ? 3 : 7
const SAMPLE_MS = quick ? 5 : 50 // the time one router spends on the lookups in one round

// A route: { method, path (peers' `:id` syntax), roll (Roll's `{id}`), key (names it) }. A
// router is built from routes and gives a `lookup(path)`; `read` turns what that returns into
// { route: key, params } or null, for checking only.
const handler = (key) => Object.assign(() => {}, { route: key })
const hono = (Class) => ({
  build(routes) {
    const router = new Class()
    for (const { method, path, key } of routes) router.add(method, path, handler(key))
    return (path) => router.match('GET', path)
  },
  read([[first], stash]) { // RegExpRouter: params are indexes into `stash`
    if (!first) return null
    const params = stash ? Object.fromEntries(Object.entries(first[1]).map(([name, at]) => [name, stash[at]])) : first[1]
    return { route: first[0].route, params }
  },
})
const PEERS = {
  'find-my-way': {
    build(routes) {
      const router = FindMyWay()
      for (const { method, path, key } of routes) router.on(method, path, handler(key))
      return (path) => router.find('GET', path)
    },
    read: (found) => found && { route: found.handler.route, params: found.params },
  },
  'hono RegExp': hono(RegExpRouter),
  'hono Trie': hono(TrieRouter),
  rou3: {
    build(routes) {
      const router = createRouter()
      for (const { method, path, key } of routes) addRoute(router, method, path.replace(/\*$/, '**'), handler(key))
      return (path) => findRoute(router, 'GET', path)
    },
    read: (found) => found ? { route: found.data.route, params: found.params ?? {} } : null,
  },
}
const ROLL = { // no methods: every path once, merged as Roll's `add` does
  build(routes) {
    const router = new Router()
    for (const { roll, key } of routes) router.add(roll, handler(key))
    return (path) => router.match(path)
  },
  read: (found) => found && { route: found.payload.route, params: found.vars },
}

// REST tables: resource N has /api/resN, /api/resN/{id}, /api/resN/{id}/items and
// /api/resN/{id}/items/{item}. The kinds after the first are Roll's alone.
const KINDS = {
  '{id}': { id: '{id}', item: '{item}', value: '42', params: { id: '42' } },
  '{id:digit}': { id: '{id:digit}', item: '{item:digit}', value: '42', params: { id: '42' } },
  '{id:[0-9]+}': { id: '{id:[0-9]+}', item: '{item:[0-9]+}', value: '42', params: { id: '42' } },
  '{name}.{ext}': { id: '{name}.{ext}', item: '{item}', value: 'report.pdf', params: { name: 'report', ext: 'pdf' } },
}
function restTable(resources, kind) {
  const shapes = (n, id, item) => [`/api/res${n}`, `/api/res${n}/${id}`, `/api/res${n}/${id}/items`, `/api/res${n}/${id}/items/${item}`]
  const routes = []
  for (let n = 0; n < resources; n++) {
    for (const roll of shapes(n, kind.id, kind.item)) routes.push({ method: 'GET', roll, key: roll, path: roll.replace(/\{(\w+)\}/g, ':$1') })
  }
  const lookups = []
  for (const n of [0, resources >> 1, resources - 1]) { // first, middle, last (the same one when there is one)
    const [list, one, items, item] = shapes(n, kind.id, kind.item)
    lookups.push({ path: `/api/res${n}`, route: list, params: {} }, { path: `/api/res${n}/${kind.value}`, route: one, params: kind.params },
      { path: `/api/res${n}/${kind.value}/items`, route: items, params: kind.params },
      { path: `/api/res${n}/${kind.value}/items/7`, route: item, params: { ...kind.params, item: '7' } })
  }
  lookups.push({ path: '/api/nope/1', route: null, params: {} })
  return { routes, lookups }
}
const fromPeerSyntax = (routes) => routes.map(([method, path]) => ({ method, path, key: path, roll: path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path:path}') }))

// Checking: the expected route, and each expected placeholder with its value.
let wrong = 0
function check(name, router, lookup, expected) {
  const got = router.read(lookup(expected.path))
  const right = expected.route === null ? got === null
    : got?.route === expected.route && Object.entries(expected.params).every(([param, value]) => got.params[param] === value)
  if (!right) { wrong++; console.error(`✗ ${name}: ${expected.path} should match ${expected.route}, got ${JSON.stringify(got)}`) }
}

// Timing. Each router gets a fresh copy of the loop (new Function), so that V8's feedback at
// the `lookup` call is that router's alone: a shared loop turns megamorphic. The count of
// truthy answers goes into `sink`, printed at the end, so no lookup can be optimised away.
let sink = 0
const newLoop = () => new Function('lookup', 'paths', 'times', `
  let hits = 0
  for (let n = 0; n < times; n++) for (let i = 0; i < paths.length; i++) if (lookup(paths[i])) hits++
  return hits`)
function run(entry, times) {
  const started = process.hrtime.bigint()
  sink += entry.loop(entry.lookup, entry.paths, times)
  return Number(process.hrtime.bigint() - started)
}
function calibrate(entry) { // doubling is the warm-up; then enough repetitions for SAMPLE_MS
  let times = 1
  while (run(entry, times) < SAMPLE_MS * 1e6 / 4) times *= 2
  entry.times = Math.max(1, Math.round(times * SAMPLE_MS * 1e6 / run(entry, times)))
  run(entry, entry.times)
}
// entries: { name, lookup, paths }; returns name → ns per lookup, one per round.
function measure(entries) {
  for (const entry of entries) { entry.loop = newLoop(); calibrate(entry) }
  const samples = Object.fromEntries(entries.map(({ name }) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(round + k) % entries.length]
      samples[entry.name][round] = run(entry, entry.times) / (entry.times * entry.paths.length)
    }
  }
  return samples
}
// Builds each router, checks every lookup, and returns the entries to time.
function prepare(routers, routes, lookups, label) {
  return Object.entries(routers).map(([name, router]) => {
    const lookup = router.build(routes)
    for (const expected of lookups) check(`${name} (${label})`, router, lookup, expected)
    return { name, lookup, paths: lookups.map(({ path }) => path) }
  })
}

// Output: per router, the median ns per lookup, min–max, and its ratio to `base`: the median of
// the per-round ratios when `base` holds rounds measured alongside, else median / base.
const median = (values) => { const sorted = [...values].sort((a, b) => a - b); return sorted[sorted.length >> 1] }
const ns = (value) => value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')
const ratio = (value) => `${value < 10 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US')}×`
const cell = (samples, base) => [ns(median(samples)), `${ns(Math.min(...samples))}–${ns(Math.max(...samples))}`,
  ratio(Array.isArray(base) ? median(samples.map((value, round) => value / base[round])) : median(samples) / base)]
function table(title, corner, columns, rows) { // rows: [label, cell per column]
  const width = (get) => Math.max(...rows.map(get).map((text) => text.length))
  const label = Math.max(corner.length, width((row) => row[0]))
  const sub = columns.map((_, c) => [0, 1, 2].map((part) => width((row) => row[c + 1][part])))
  const group = columns.map((name, c) => Math.max(name.length, sub[c][0] + sub[c][1] + sub[c][2] + 4))
  console.log(`\n${title}\n${corner.padEnd(label)}  ${columns.map((name, c) => name.padStart(group[c])).join('   ')}`)
  for (const [name, ...cells] of rows) {
    const parts = cells.map((parts, c) => `${parts[0].padStart(sub[c][0])}  ${parts[1].padStart(sub[c][1])}  ${parts[2].padStart(sub[c][2])}`)
    console.log(`${name.padEnd(label)}  ${parts.map((text, c) => text.padStart(group[c])).join('   ')}`)
  }
}

const started = Date.now()
const NAMES = ['roll', ...Object.keys(PEERS)]
const rollOnly = Object.keys(KINDS).slice(1)
const rest = []
for (const resources of [1, 10, 100, 1000]) {
  const { routes, lookups } = restTable(resources, KINDS['{id}'])
  const entries = prepare({ roll: ROLL, ...PEERS }, routes, lookups, `${resources * 4} routes`)
  for (const kind of rollOnly) {
    const table = restTable(resources, KINDS[kind])
    entries.push(...prepare({ [`roll ${kind}`]: ROLL }, table.routes, table.lookups, `${resources * 4} routes`))
  }
  rest.push({ routes: resources * 4, entries })
}
const sets = [['GitHub API', github], ['router-benchmark', routerBenchmark]].map(([label, set]) => {
  const routes = fromPeerSyntax(set.routes)
  return { label, count: set.routes.length, lookups: set.lookups.map((lookup) => ({ ...lookup, entries: prepare({ roll: ROLL, ...PEERS }, routes, [lookup], label) })) }
})
if (wrong > 0) { console.error(`${wrong} wrong answers: no timing.`); process.exit(1) }
console.log(`Every router gave the expected route and placeholders for every lookup. ${ROUNDS} rounds of ~${SAMPLE_MS} ms per router${quick ? ' (--quick)' : ''}.`)
console.log('Each cell: median ns per lookup, min–max over the rounds, median ratio to find-my-way in the same round.')

for (const row of rest) row.samples = measure(row.entries)
table(`REST table (4 routes per resource; 13 lookups: first, middle and last resource, 4 shapes, and a 404)`, 'routes', NAMES,
  rest.map(({ routes, samples }) => [routes.toLocaleString('en-US'), ...NAMES.map((name) => cell(samples[name], samples['find-my-way']))]))
const columns = ['roll {id}', ...rollOnly.map((kind) => `roll ${kind}`)]
table(`Roll alone, with placeholders the peers lack: ratio to the same column at 4 routes (flat is 1×)`, 'routes', columns,
  rest.map(({ routes, samples }) => [routes.toLocaleString('en-US'), ...columns.map((column) => {
    const name = column === 'roll {id}' ? 'roll' : column
    return cell(samples[name], median(rest[0].samples[name]))
  })]))
for (const { label, count, lookups } of sets) {
  const rows = lookups.map(({ name, entries }) => { const samples = measure(entries); return [name, ...NAMES.map((router) => cell(samples[router], samples['find-my-way']))] })
  table(`${label} route set (${count} routes), one lookup at a time: ${lookups.map(({ name, path }) => `${name} ${path}`).join(', ')}`, 'lookup', NAMES, rows)
}
console.log(`\n${Math.round((Date.now() - started) / 1000)} s; checksum ${sink} (truthy answers, kept so no lookup is optimised away).`)
