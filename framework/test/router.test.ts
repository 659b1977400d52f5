// The Router class on its own, what path matches what: case for case against autoroutes'
// own test-suite (tests/test_routes.py and the behaviour tests/test_edge.py implies), and
// every placeholder kind. How app.route answers is routing.test.ts. Our rule is "the first registered route that
// matches wins"; where autoroutes' tree decides otherwise, a comment says so.
import { describe, expect, test } from 'vitest'
import { parsePath, Router } from '@roll/framework'
import { match, routes, type Data } from './_routes.js'


describe('Router.match', () => {
  test('follows a static path', () => {
    expect(match(routes(['/foo', { something: 'x' }]), '/foo')).toEqual([{ something: 'x' }, {}])
  })

  test('matches the root', () => {
    expect(match(routes(['/', { something: 'x' }]), '/')).toEqual([{ something: 'x' }, {}])
  })

  test('matches unicode paths', () => {
    expect(match(routes(['/éèà', { something: 'àô' }]), '/éèà')).toEqual([{ something: 'àô' }, {}])
  })

  test('returns null for an unknown path', () => {
    expect(match(routes(['/foo/', { data: 'x' }]), '/bar/')).toEqual([null, null])
  })

  test('returns null for an unknown path when routes have placeholders', () => {
    expect(match(routes(['/foo/{id}', { data: 'x' }]), '/bar/foo')).toEqual([null, null])
  })

  test('returns the placeholders', () => {
    expect(match(routes(['/foo/{id}', { data: 'x' }]), '/foo/bar')[1]).toEqual({ id: 'bar' })
  })

  test('returns a placeholder in the middle of the path', () => {
    expect(match(routes(['/foo/{id}/bar', { data: 'x' }]), '/foo/22/bar')).toEqual([{ data: 'x' }, { id: '22' }])
  })

  test('matches a placeholder followed by an extension', () => {
    expect(match(routes(['/foo/{id}.html', { data: 'x' }]), '/foo/bar.html')).toEqual([{ data: 'x' }, { id: 'bar' }])
  })

  test('matches an alnum placeholder followed by an extension', () => {
    expect(match(routes(['/foo/{id:alnum}.html', { data: 'x' }]), '/foo/bar22.html')).toEqual([{ data: 'x' }, { id: 'bar22' }])
  })

  test('matches a path placeholder followed by an extension', () => {
    expect(match(routes(['/foo/{id:path}.html', { data: 'x' }]), '/foo/bar/2.html')).toEqual([{ data: 'x' }, { id: 'bar/2' }])
  })

  test('tells apart different subpaths after a placeholder', () => {
    const router = routes(['/foo/{id}/bar', { data: 'x' }], ['/foo/{id}/baz', { data: 'y' }])
    expect(match(router, '/foo/22/bar')).toEqual([{ data: 'x' }, { id: '22' }])
    expect(match(router, '/foo/33/baz')).toEqual([{ data: 'y' }, { id: '33' }])
  })

  test('takes a regex for a placeholder', () => {
    const router = routes(['/foo/{id:\\d+}', { something: 'x' }])
    expect(match(router, '/foo/bar')).toEqual([null, null])
    expect(match(router, '/foo/22')).toEqual([{ something: 'x' }, { id: '22' }])
  })

  test('lets a regex placeholder consume slashes', () => {
    expect(match(routes(['/foo/{path:.+}', { something: 'x' }]), '/foo/path/to/somewhere'))
      .toEqual([{ something: 'x' }, { path: 'path/to/somewhere' }])
  })

  test('combines a regex placeholder with a longer static prefix', () => {
    const router = routes(['/foo/cache/{path:.*}', { something: 'x' }], ['/foo/{path:.*}', { something: 'y' }])
    expect(match(router, '/foo/cache/path/to/somewhere')).toEqual([{ something: 'x' }, { path: 'path/to/somewhere' }])
  })

  test('lets a wildcard regex placeholder consume an empty string', () => {
    const router = routes(['/foo/cache/{path:.*}', { something: 'x' }], ['/foo/{path:.*}', { something: 'y' }])
    expect(match(router, '/foo/cache/')).toEqual([{ something: 'x' }, { path: '' }])
    expect(match(router, '/foo/')).toEqual([{ something: 'y' }, { path: '' }])
  })

  test('takes a regex with groups and alternatives', () => {
    const router = routes(['/foo/{path:(some|any)where}', { something: 'x' }])
    expect(match(router, '/foo/somewhere')[1]).toEqual({ path: 'somewhere' })
    expect(match(router, '/foo/anywhere')[1]).toEqual({ path: 'anywhere' })
    expect(match(router, '/foo/nowhere')[1]).toBeNull()
  })

  test('takes a regex with braces of its own', () => {
    const router = routes(['/year/{year:\\d{4}}', { something: 'x' }])
    expect(match(router, '/year/2017')[1]).toEqual({ year: '2017' })
    expect(match(router, '/year/17')[1]).toBeNull()
  })

  test('keeps the placeholders right after a regex with groups', () => {
    const router = routes(['/{kind:(a|b)(c|d)}/{id}', { something: 'x' }])
    expect(match(router, '/bd/7')[1]).toEqual({ kind: 'bd', id: '7' })
  })

  test('tells apart clashing regexes', () => {
    const router = routes(['/foo/{path:[abc]}', { something: 'x' }], ['/foo/{path:[xyz]}', { something: 'y' }])
    expect(match(router, '/foo/a')).toEqual([{ something: 'x' }, { path: 'a' }])
    expect(match(router, '/foo/x')).toEqual([{ something: 'y' }, { path: 'x' }])
  })

  test('tells apart a regex and a typed placeholder', () => {
    const router = routes(['/foo/{path:[abc]}', { something: 'x' }], ['/foo/{path:digit}', { something: 'y' }])
    expect(match(router, '/foo/a')).toEqual([{ something: 'x' }, { path: 'a' }])
    expect(match(router, '/foo/12')).toEqual([{ something: 'y' }, { path: '12' }])
  })

  test('matches digit placeholders only on digits', () => {
    const router = routes(['/foo/{id:digit}/path', { something: 'x' }])
    expect(match(router, '/foo/123/path')[1]).toEqual({ id: '123' })
    expect(match(router, '/foo/abc/path')[1]).toBeNull()
  })

  test('matches alnum placeholders only on letters and digits', () => {
    const router = routes(['/foo/{name:alnum}', { something: 'x' }])
    expect(match(router, '/foo/abc')[1]).toEqual({ name: 'abc' })
    expect(match(router, '/foo/a.')[1]).toBeNull()
  })

  test('matches alnum placeholders on non-ASCII letters', () => {
    const router = routes(['/foo/{name:alnum}', { something: 'x' }])
    expect(match(router, '/foo/àéè')[1]).toEqual({ name: 'àéè' })
    expect(match(router, '/foo/à.è')[1]).toBeNull()
  })

  test('matches alpha placeholders only on letters', () => {
    const router = routes(['/foo/{name:alpha}', { something: 'x' }])
    expect(match(router, '/foo/abc')[1]).toEqual({ name: 'abc' })
    expect(match(router, '/foo/a.')[1]).toBeNull()
    expect(match(router, '/foo/a2')[1]).toBeNull()
  })

  test('mixes text and a placeholder in one segment', () => {
    const router = routes(['/foo.{ext}', { data: 'x' }])
    expect(match(router, '/foo.json')[1]).toEqual({ ext: 'json' })
    expect(match(router, '/foo.txt')[1]).toEqual({ ext: 'txt' })
  })

  test('tells apart clashing placeholders of different kinds', () => {
    const router = routes(['horse/{id:digit}/subpath', { data: 'x' }], ['horse/{id}/other', { data: 'y' }])
    expect(match(router, 'horse/22/subpath')).toEqual([{ data: 'x' }, { id: '22' }])
    expect(match(router, 'horse/22/other')).toEqual([{ data: 'y' }, { id: '22' }])
  })

  test('merges a path added twice into one payload', () => {
    const router = new Router<Data>()
    router.add('/foo/', { data: 'old' })
    router.add('/foo/', { data: 'new', other: 'new' })
    expect(match(router, '/foo/')).toEqual([{ data: 'new', other: 'new' }, {}])
  })

  test('merges a path with placeholders added twice', () => {
    const router = new Router<Data>()
    router.add('/foo/{bar}/baz', { x: '1' })
    router.add('/foo/{bar}/baz', { y: '2' })
    expect(match(router, '/foo/a/baz')).toEqual([{ x: '1', y: '2' }, { bar: 'a' }])
  })

  test('keeps functions in the payload as they are', () => {
    const handler = () => {}
    expect(match(routes(['/foo', { handler }]), '/foo')).toEqual([{ handler }, {}])
  })

  test('returns several placeholders', () => {
    expect(match(routes(['/foo/{id}/bar/{sub}', { something: 'x' }]), '/foo/id/bar/su'))
      .toEqual([{ something: 'x' }, { id: 'id', sub: 'su' }])
  })

  test('returns placeholders in succession', () => {
    expect(match(routes(['/foo/{id}/{sub}', { something: 'x' }]), '/foo/id/su'))
      .toEqual([{ something: 'x' }, { id: 'id', sub: 'su' }])
  })

  test('gives a static segment registered first precedence over a placeholder', () => {
    const router = routes(['/foo/{id}/path', { something: 'x' }], ['/foo/{id}/{sub}', { something: 'y' }])
    expect(match(router, '/foo/id/path')).toEqual([{ something: 'x' }, { id: 'id' }])
  })

  test('matches a one-character value against a placeholder next to a static route', () => {
    const router = routes(['/foo/path', { something: 'x' }], ['/foo/{id}', { something: 'y' }])
    expect(match(router, '/foo/i')).toEqual([{ something: 'y' }, { id: 'i' }])
    expect(match(routes(['/foo/path', { something: 'x' }], ['/foo/{id:digit}', { something: 'y' }]), '/foo/1'))
      .toEqual([{ something: 'y' }, { id: '1' }])
  })

  test('respects the registration order of clashing routes', () => {
    const router = routes(['/foo/{id}/{sub}', { something: 'y' }], ['/foo/{id}/path', { something: 'x' }])
    expect(match(router, '/foo/id/path')).toEqual([{ something: 'y' }, { id: 'id', sub: 'path' }])
  })

  test('tells apart clashing placeholders of the same kind by what follows them', () => {
    const router = routes(
      ['/foo/{category}/{id:digit}.csv', { something: 'c' }],
      ['/foo/{category}/{id:alnum}.txt', { something: 'x' }],
      ['/foo/{category}/{id:alnum}.json', { something: 'j' }],
    )
    expect(match(router, '/foo/cat/id.txt')).toEqual([{ something: 'x' }, { id: 'id', category: 'cat' }])
    expect(match(router, '/foo/cat/id.json')).toEqual([{ something: 'j' }, { id: 'id', category: 'cat' }])
    expect(match(router, '/foo/cat/id.csv')).toEqual([null, null])
    expect(match(router, '/foo/cat/123.csv')).toEqual([{ something: 'c' }, { id: '123', category: 'cat' }])
  })

  test('tells apart clashing placeholders of the same kind and different names', () => {
    const router = routes(
      ['/foo/{foo}/{id:digit}.csv', { something: 'c' }],
      ['/foo/{bar}/{id:alnum}.txt', { something: 'x' }],
      ['/foo/{baz}/{id:alnum}.json', { something: 'j' }],
    )
    expect(match(router, '/foo/cat/id.txt')).toEqual([{ something: 'x' }, { id: 'id', bar: 'cat' }])
    expect(match(router, '/foo/cat/id.json')).toEqual([{ something: 'j' }, { id: 'id', baz: 'cat' }])
    expect(match(router, '/foo/cat/id.csv')).toEqual([null, null])
    expect(match(router, '/foo/cat/123.csv')).toEqual([{ something: 'c' }, { id: '123', foo: 'cat' }])
  })

  test('tells apart several clashing placeholders by their count and suffix', () => {
    const router = routes(
      ['/{names}/{z:digit}/{x:digit}/{y:digit}.pbf', { foo: 'pbf' }],
      ['/{namespace}/{names}/{z:digit}/{x:digit}/{y:digit}.pbf', { foo: 'npbf' }],
      ['/{names}/{z:digit}/{x:digit}/{y:digit}.mvt', { foo: 'mvt' }],
      ['/{namespace}/{names}/{z:digit}/{x:digit}/{y:digit}.mvt', { foo: 'nmvt' }],
    )
    expect(match(router, '/default/mylayer/0/0/0.pbf'))
      .toEqual([{ foo: 'npbf' }, { names: 'mylayer', namespace: 'default', x: '0', y: '0', z: '0' }])
    expect(match(router, '/default/mylayer/0/0/0.mvt'))
      .toEqual([{ foo: 'nmvt' }, { names: 'mylayer', namespace: 'default', x: '0', y: '0', z: '0' }])
    expect(match(router, '/mylayer/0/0/0.pbf')).toEqual([{ foo: 'pbf' }, { names: 'mylayer', x: '0', y: '0', z: '0' }])
    expect(match(router, '/mylayer/0/0/0.mvt')).toEqual([{ foo: 'mvt' }, { names: 'mylayer', x: '0', y: '0', z: '0' }])
  })

  test('matches a long placeholder followed by a slash', () => {
    expect(match(routes(['/{bar}/', { something: 'x' }]), '/sdlfkseirsldkfjsie/'))
      .toEqual([{ something: 'x' }, { bar: 'sdlfkseirsldkfjsie' }])
  })

  test('matches anything, the empty string included, with an any placeholder', () => {
    const router = routes(['/foo/priority', { something: 'z' }], ['/foo/{bar:any}', { something: 'x' }])
    expect(match(router, '/foo/baz')).toEqual([{ something: 'x' }, { bar: 'baz' }])
    expect(match(router, '/foo/')).toEqual([{ something: 'x' }, { bar: '' }])
    expect(match(router, '/foo/priority')).toEqual([{ something: 'z' }, {}])
  })

  test('does not match an any placeholder without its prefix', () => {
    const router = routes(['/foo/{path:any}', { root: '../foo/' }], ['/{path:any}', { root: '.' }])
    expect(match(router, '/')).toEqual([{ root: '.' }, { path: '' }])
  })

  test('combines a regex with text after it and a static prefix', () => {
    const router = routes(['/foo/bar/{id}', { data: 'a' }], ['/foo/{id:[^\\.]+}.html', { data: 'b' }])
    expect(match(router, '/foo/pouet.html')).toEqual([{ data: 'b' }, { id: 'pouet' }])
    expect(match(router, '/foo/bar/pouet')).toEqual([{ data: 'a' }, { id: 'pouet' }])
  })

  test('never lets a plain placeholder match a slash', () => {
    const router = routes(['root/{foo}', { data: 'one' }], ['root/foo/{bar}', { data: 'two' }])
    expect(match(router, 'root/foo/123')).toEqual([{ data: 'two' }, { bar: '123' }])
  })

  test('lets a trailing placeholder match an empty string', () => {
    // The contract's choice (for staticFiles' index at '/static/'); autoroutes compiles
    // `{id}` to `[^/]+` and would not match.
    expect(match(routes(['/foo/{id}', { data: 'x' }]), '/foo/')).toEqual([{ data: 'x' }, { id: '' }])
  })

  test('throws on an unclosed placeholder', () => {
    expect(() => new Router().add('/foo/{ext/', {})).toThrow("Invalid route path '/foo/{ext/'")
  })
})

// What autoroutes' tree tests (tests/test_edge.py) imply once the tree is hidden: routes
// that share a prefix, a placeholder or a suffix all stay reachable.
describe('Router.match, placeholder kinds', () => {
  test.each([
    ['/hello/{name}', '/hello/world', { name: 'world' }],
    ['/hello/{name:string}', '/hello/world', { name: 'world' }],
    ['/hello/{name}', '/hello/wor/ld', null],
    ['/items/{id:digit}', '/items/42', { id: '42' }],
    ['/items/{id:digit}', '/items/4a', null],
    ['/items/{id:digit}', '/items/', null],
    ['/tags/{tag:alnum}', '/tags/abc123', { tag: 'abc123' }],
    ['/tags/{tag:alnum}', '/tags/ab-c', null],
    ['/words/{word:alpha}', '/words/été', { word: 'été' }],
    ['/words/{word:alpha}', '/words/a2', null],
    ['/files/{rest:path}', '/files/a/b/c.txt', { rest: 'a/b/c.txt' }],
    ['/files/{rest:path}', '/files/', null],
    ['/any/{rest:any}', '/any/a/b', { rest: 'a/b' }],
    ['/any/{rest:any}', '/any/', { rest: '' }],
    // Any character, a decoded line break (%0A) too, wherever the placeholder stands.
    ['/files/{rest:path}', '/files/a\nb', { rest: 'a\nb' }],
    ['/{dir}/{rest:path}.txt', '/d/a\nb.txt', { dir: 'd', rest: 'a\nb' }],
    ['/{dir}/{rest:any}.txt', '/d/\n.txt', { dir: 'd', rest: '\n' }],
    ['/years/{year:\\d{4}}', '/years/2017', { year: '2017' }],
    ['/years/{year:\\d{4}}', '/years/17', null],
    ['/file.{ext}', '/file.json', { ext: 'json' }],
    ['/{name}.{ext}', '/report.pdf', { name: 'report', ext: 'pdf' }],
    ['/{name}.{ext:alpha}', '/report.v2', null],
    ['/tiles/{z:digit}/{x:digit}/{y:digit}.{format}', '/tiles/1/2/3.png', { z: '1', x: '2', y: '3', format: 'png' }],
    ['/foo/{id}', '/foo/', { id: '' }],
  ])('%s on %s gives %j', (path, url, expected) => {
    const found = routes([path, { x: 1 }]).match(url)
    expect(found === null ? null : found.vars).toEqual(expected)
  })

  test('gives a greedy first placeholder the longest match when several share a segment', () => {
    expect(routes(['/{name}.{ext}', {}]).match('/a.b.c')?.vars).toEqual({ name: 'a.b', ext: 'c' })
  })
})

describe('Router with shared prefixes', () => {
  test.each([
    [['/foo', '/foo/bar'], ['/foo', '/foo/bar']],
    [['/foo/bar', '/foo'], ['/foo/bar', '/foo']],
    [['/foo/bar', '/foo/baz'], ['/foo/bar', '/foo/baz']],
    [['/foo/baz/{bar}', '/foo/bar'], ['/foo/baz/x', '/foo/bar']],
    [['/foo/baz', '/foo/{bar}'], ['/foo/baz', '/foo/x']],
    [['/foo/bar', '/foo/baz/{bar}'], ['/foo/bar', '/foo/baz/x']],
    [['/foo/{bar}/', '/foo/{bar}/baz'], ['/foo/x/', '/foo/x/baz']],
    [['/foo/{bar}/baz', '/foo/{bar}/'], ['/foo/x/baz', '/foo/x/']],
    [['/foo/{bar}/bar', '/foo/{bar}/baz'], ['/foo/x/bar', '/foo/x/baz']],
    [['{bar}/foo', '{bar}/bar'], ['x/foo', 'x/bar']],
    [['{bar}', '{bar}/bar'], ['x', 'x/bar']],
    [['foo', '{foo}'], ['foo', 'x']],
    [['/foo/{bar:digit}', '/foo/{bar:string}'], ['/foo/1', '/foo/x']],
    [['/foo/{bar:digit}/baz', '/foo/{bar:string}/baz'], ['/foo/1/baz', '/foo/x/baz']],
  ])('keeps both %j reachable', (paths, requests) => {
    const router = routes([paths[0], { x: '1' }], [paths[1], { x: '2' }])
    expect(router.match(requests[0])?.payload).toEqual({ x: '1' })
    expect(router.match(requests[1])?.payload).toEqual({ x: '2' })
  })

  test.each<[string[], Array<[string, number | null]>]>([
    [['/user', '/users', '/user/s'], [['/user', 0], ['/users', 1], ['/user/s', 2], ['/use', null], ['/userss', null], ['/user/', null]]],
    [['/a/comments', '/a/comment', '/a/{id}'], [['/a/comment', 1], ['/a/comments', 0], ['/a/commentz', 2], ['/a/c', 2], ['/a/', 2]]],
    [['/', '//', '/a//b', '/a/'], [['/', 0], ['//', 1], ['/a//b', 2], ['/a/', 3], ['/a', null], ['/a/b', null], ['///', null]]],
    [['/\0', '/é', '/caf%C3%A9'], [['/\0', 0], ['//', null], ['/é', 1], ['/e', null], ['/caf%C3%A9', 2], ['/café', null]]],
  ])('tells apart static segments that share a start, are empty or are not ASCII: %j', (paths, requests) => {
    const router = routes(...paths.map((path, x): [string, Data] => [path, { x }]))
    for (const [request, x] of requests) expect([request, router.match(request)?.payload ?? null]).toEqual([request, x === null ? null : { x }])
  })

  test('finds each of many static siblings, those whose texts hash alike included', () => {
    // Past 8 static children, a node keeps them in a table by hash, which grows: 'Aa' and 'BB' hash alike.
    const names = ['Aa', 'BB', ...Array.from({ length: 40 }, (_, i) => `s${i}`), 'AaBB', 'BBAa']
    const router = routes(...names.map((name, i): [string, Data] => [`/${name}/{id}`, { x: i }]), ['/{other}/x/y', { x: 'other' }])
    names.forEach((name, i) => expect(router.match(`/${name}/1`)).toEqual({ payload: { x: i }, vars: { id: '1' } }))
    expect(router.match('/Ab/1')).toBeNull()
    expect(router.match('/BBBB/x/y')).toEqual({ payload: { x: 'other' }, vars: { other: 'BBBB' } })
    expect(router.match('/Aa/x/y')).toEqual({ payload: { x: 'other' }, vars: { other: 'Aa' } })
  })

  test('lets a placeholder registered first shadow a static path registered after it', () => {
    // autoroutes agrees: its tree keeps the '{bar}' edge before the 'baz' one (test_edge.py).
    const router = routes(['/foo/{bar}', { x: '1' }], ['/foo/baz', { x: '2' }])
    expect(router.match('/foo/baz')).toEqual({ payload: { x: '1' }, vars: { bar: 'baz' } })
  })

  test('merges two paths that differ only by placeholder names into one route, which keeps the first names', () => {
    // As autoroutes merges `{bar:digit}` and `{baz:digit}` into one node (it keeps the last
    // names; we keep the first, see docs/decisions.md).
    const router = new Router<Record<string, string>>()
    const first = router.add('/foo/{bar:digit}', { x: '1' })
    expect(router.add('/foo/{baz:digit}', { y: '2' })).toBe(first)
    expect(router.match('/foo/1')).toEqual({ payload: { x: '1', y: '2' }, vars: { bar: '1' } })
    // The second path is the same route from then on.
    router.add('/foo/{baz:digit}', { z: '3' })
    expect(router.match('/foo/2')?.payload).toEqual({ x: '1', y: '2', z: '3' })
  })

  test('merges routes of one shape whose placeholders span segments, and keeps different shapes apart', () => {
    const router = new Router<Record<string, string>>()
    router.add('/files/{rest:path}', { x: '1' })
    router.add('/files/{tail:path}', { y: '2' })
    router.add('/files/{tail:any}', { z: '3' })
    expect(router.match('/files/a/b')).toEqual({ payload: { x: '1', y: '2' }, vars: { rest: 'a/b' } })
    expect(router.match('/files/')).toEqual({ payload: { z: '3' }, vars: { tail: '' } })
  })
})

describe('regexes that could take exponential time', () => {
  test.each(['(a+)+', '([a-z]*)*', '(?:\\d+)+x'])('refuses %s at registration, saying why and what to write', (regex) => {
    expect(() => new Router().add(`/x/{id:${regex}}`, {})).toThrow(
      `Invalid route path '/x/{id:${regex}}': the regex '${regex}' of 'id' repeats a repetition, so some paths would take exponential time to match. Repeat once, e.g. '[a-z]+' rather than '([a-z]+)+'.`,
    )
  })

  test('accepts one level of repetition, and the named kinds', () => {
    const router = new Router()
    for (const path of ['/a/{id:[0-9]{2,4}}', '/b/{id:(?:en|fr)+}', '/c/{id:\\d+}-{n:[a-z]+}', '/d/{rest:path}', '/e/{w:alnum}']) router.add(path, {})
    expect(router.match('/b/enfr')?.vars).toEqual({ id: 'enfr' })
  })
})

describe('placeholder kinds at the edges of their character ranges', () => {
  const one = (path: string, url: string) => routes([path, {}]).match(url)?.vars ?? null

  test('digit takes 0 to 9 and nothing below or above them (- . : a)', () => {
    expect(one('/x/{id:digit}', '/x/0189')).toEqual({ id: '0189' })
    expect(one('/x/{id:digit}', '/x/1:')).toBeNull()
    expect(one('/x/{id:digit}', '/x/1.5')).toBeNull()
    expect(one('/x/{id:digit}', '/x/-1')).toBeNull()
    expect(one('/x/{id:digit}', '/x/ab')).toBeNull()
  })

  test('alpha takes a-z and A-Z and nothing next to them (@ [ ` {)', () => {
    expect(one('/x/{word:alpha}', '/x/azAZ')).toEqual({ word: 'azAZ' })
    for (const next of ['@', '[', '`', '{', '0', '-']) expect(one('/x/{word:alpha}', `/x/a${next}`)).toBeNull()
  })

  test('alnum takes a-z, A-Z and 0-9 and nothing next to them (/ : @ [ ` {)', () => {
    expect(one('/x/{word:alnum}', '/x/az09AZ')).toEqual({ word: 'az09AZ' })
    for (const next of [':', '@', '[', '`', '{', '-']) expect(one('/x/{word:alnum}', `/x/a${next}`)).toBeNull()
  })

  test('alpha and alnum never match an empty segment', () => {
    expect(one('/x/{word:alpha}', '/x/')).toBeNull()
    expect(one('/x/{word:alnum}', '/x/')).toBeNull()
  })

  test('a placeholder between a prefix and a suffix needs both, without overlap', () => {
    expect(one('/ab{x}ba', '/aba')).toBeNull()
    expect(one('/a/{x}.json', '/a/b.xml')).toBeNull()
    expect(one('/a/{x}.json', '/a/b.json')).toEqual({ x: 'b' })
  })

  test('custom regexes, with groups of their own, give each placeholder its own value and no other key', () => {
    const vars = one('/a/{x:(\\d)(\\d)}/{y:[a-z]+}', '/a/12/ab')
    expect(vars).toEqual({ x: '12', y: 'ab' })
    expect(Object.keys(vars!)).toEqual(['x', 'y'])
  })
})

describe('parsePath', () => {
  test('gives literal text and placeholders, with no empty literal between or after them', () => {
    expect(parsePath('')).toEqual([''])
    expect(parsePath('/static')).toEqual(['/static'])
    expect(parsePath('/{a}')).toEqual(['/', { name: 'a', kind: 'string' }])
    expect(parsePath('{a}{b:digit}')).toEqual([{ name: 'a', kind: 'string' }, { name: 'b', kind: 'digit' }])
  })

  test('skips an escaped brace inside a regex', () => {
    expect(parsePath('/x/{v:[^\\}]+}')).toEqual(['/x/', { name: 'v', kind: '[^\\}]+' }])
  })

  test('throws a SyntaxError naming the path and the fault', () => {
    expect(() => parsePath('/a}')).toThrow(new SyntaxError("Invalid route path '/a}': unexpected '}' at position 2."))
  })
})
