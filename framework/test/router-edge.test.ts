// autoroutes' tests/test_edge.py, case for case. Those tests look inside autoroutes' radix
// tree (edges, nodes, the regex an edge compiles to, how patterns merge); our Router has
// no public tree, so each case here asserts what that tree implies for `match`: the
// payload and vars for the paths the case registers, for the nodes in between (a prefix
// two routes share has no route of its own) and for paths just beside them. One `it` per
// Python test function, named after it (`it.each` for the parametrized one).
// Our rule is "the first registered route that matches the whole path wins"; where
// autoroutes' tree, which commits to the first edge that matches and never backtracks,
// answers otherwise, the assertion keeps ours and a comment names the quirk.
import { describe, expect, it } from 'vitest'
import { Router } from '@roll/framework'
import { match, routes, type Data } from './_routes.js'


describe('autoroutes tests/test_edge.py', () => {
  // What each edge pattern compiles to in autoroutes, as the paths that pattern alone matches.
  it.each<[string, string, Array<[string, Record<string, string> | null]>]>([
    // autoroutes compiles `{id}` to `[^/]+`: it finds nothing for ''. Our contract lets a
    // trailing placeholder match an empty string (`[^/]*`).
    ['{id}', '^([^/]+)', [['abc', { id: 'abc' }], ['a/b', null], ['', { id: '' }]]],
    ['{id:string}', '^([^/]+)', [['abc', { id: 'abc' }], ['a/b', null], ['', { id: '' }]]],
    // autoroutes' `\d+` (and its `isdigit` loop) take any Unicode digit, '٣' included;
    // our `digit` is ASCII 0-9 (docs/decisions.md).
    ['{id:digit}', '^(\\d+)', [['123', { id: '123' }], ['12a', null], ['', null], ['٣', null]]],
    // A regex kind: JavaScript's `\d` is ASCII only, Python's takes '٣' too.
    ['{id:\\d+}', '^(\\d+)', [['123', { id: '123' }], ['12a', null], ['', null], ['٣', null]]],
    ['{id:[abc]}', '^([abc])', [['a', { id: 'a' }], ['ab', null], ['d', null], ['', null]]],
    ['{id:.+}', '^(.+)', [['a/b', { id: 'a/b' }], ['', null]]],
    // autoroutes agrees on 'bar/' despite its `[^/]+`: its matcher only refuses an empty
    // value for a placeholder at the very start of an edge.
    ['bar/{id}', '^bar/([^/]+)', [['bar/x', { id: 'x' }], ['bar/', { id: '' }], ['baz/x', null], ['bar/x/y', null]]],
  ])('test_edge_compile[%s-%s] (the pattern matches what its regex says, whole path only)', (pattern, _regex, table) => {
    const router = routes([pattern, { x: '1' }])
    for (const [path, vars] of table) expect([path, match(router, path)]).toEqual([path, vars === null ? [null, null] : [{ x: '1' }, vars]])
  })

  it('test_edge_insert_same_path (adding a static path twice merges the payloads)', () => {
    const router = new Router<Data>()
    router.add('/foo', { x: '1' })
    router.add('/foo', { y: '2' })
    expect(match(router, '/foo')).toEqual([{ x: '1', y: '2' }, {}])
  })

  it('test_edge_insert_prefix_vs_placeholder (a static path and a placeholder at the root stay two routes)', () => {
    const router = routes(['foo', { x: '1' }], ['{foo}', { x: '2' }])
    expect(match(router, 'foo')).toEqual([{ x: '1' }, {}])
    expect(match(router, 'bar')).toEqual([{ x: '2' }, { foo: 'bar' }])
    expect(match(router, 'fo')).toEqual([{ x: '2' }, { foo: 'fo' }])
    // Quirk, no backtracking: autoroutes' 'foo' edge matches the start of 'foobar', the
    // tree commits to it and finds nothing after it. Ours: '{foo}' matches the whole path.
    expect(match(router, 'foobar')).toEqual([{ x: '2' }, { foo: 'foobar' }])
    // autoroutes finds nothing (`[^/]+`); our trailing placeholder matches empty.
    expect(match(router, '')).toEqual([{ x: '2' }, { foo: '' }])
  })

  it('test_edge_join_longer_path (a longer path after its prefix: both reachable, nothing in between)', () => {
    const router = routes(['/foo', { x: '1' }], ['/foo/bar', { x: '2' }])
    expect(match(router, '/foo')).toEqual([{ x: '1' }, {}])
    expect(match(router, '/foo/bar')).toEqual([{ x: '2' }, {}])
    expect(match(router, '/foo/')).toEqual([null, null])
    expect(match(router, '/foo/ba')).toEqual([null, null])
    expect(match(router, '/foo/barr')).toEqual([null, null])
  })

  it('test_edge_join_shorter_path (a prefix after the longer path: both reachable, nothing in between)', () => {
    const router = routes(['/foo/bar', { x: '1' }], ['/foo', { x: '2' }])
    expect(match(router, '/foo')).toEqual([{ x: '2' }, {}])
    expect(match(router, '/foo/bar')).toEqual([{ x: '1' }, {}])
    expect(match(router, '/foo/')).toEqual([null, null])
    expect(match(router, '/foo/ba')).toEqual([null, null])
    expect(match(router, '/foo/barr')).toEqual([null, null])
  })

  it('test_edge_join_same_root (two paths sharing a root: the shared root is no route)', () => {
    const router = routes(['/foo/bar', { x: '1' }], ['/foo/baz', { x: '2' }])
    expect(match(router, '/foo/ba')).toEqual([null, null])
    expect(match(router, '/foo/bar')).toEqual([{ x: '1' }, {}])
    expect(match(router, '/foo/baz')).toEqual([{ x: '2' }, {}])
    expect(match(router, '/foo/bax')).toEqual([null, null])
  })

  it('test_edge_insert_same_path_and_placeholder (adding a placeholder path twice merges the payloads)', () => {
    const router = new Router<Data>()
    router.add('/foo/{bar}', { x: '1' })
    router.add('/foo/{bar}', { y: '2' })
    expect(match(router, '/foo/abc')).toEqual([{ x: '1', y: '2' }, { bar: 'abc' }])
  })

  it('test_edge_insert_same_path_and_placeholder_type (adding a typed placeholder path twice merges the payloads)', () => {
    const router = new Router<Data>()
    router.add('/foo/{bar:digit}', { x: '1' })
    router.add('/foo/{bar:digit}', { y: '2' })
    expect(match(router, '/foo/12')).toEqual([{ x: '1', y: '2' }, { bar: '12' }])
    expect(match(router, '/foo/ab')).toEqual([null, null])
  })

  it('test_edge_insert_same_path_and_placeholder_type_w_different_name (same kind, other name: one route, merged)', () => {
    // autoroutes merges both paths into one node: '/foo/1' gives { x: '1', y: '2' }, as we
    // do. It names the value { baz: '1' } (the last name registered); we keep the first
    // names (docs/decisions.md).
    const router = new Router<Data>()
    router.add('/foo/{bar:digit}', { x: '1' })
    router.add('/foo/{baz:digit}', { y: '2' })
    expect(match(router, '/foo/1')).toEqual([{ x: '1', y: '2' }, { bar: '1' }])
    expect(match(router, '/foo/a')).toEqual([null, null])
  })

  it('test_edge_insert_same_prefix_and_different_placeholder (digit then string after one prefix: each takes its own)', () => {
    const router = routes(['/foo/{bar:digit}', { x: '1' }], ['/foo/{bar:string}', { x: '2' }])
    expect(match(router, '/foo/12')).toEqual([{ x: '1' }, { bar: '12' }])
    expect(match(router, '/foo/ab')).toEqual([{ x: '2' }, { bar: 'ab' }])
    expect(match(router, '/foo/12a')).toEqual([{ x: '2' }, { bar: '12a' }])
    // autoroutes finds nothing (`[^/]+`); our trailing string placeholder matches empty,
    // digit never does.
    expect(match(router, '/foo/')).toEqual([{ x: '2' }, { bar: '' }])
  })

  it('test_edge_insert_same_prefix_and_different_placeholder_and_suffix (digit then string, same suffix: each takes its own)', () => {
    const router = routes(['/foo/{bar:digit}/baz', { x: '1' }], ['/foo/{bar:string}/baz', { x: '2' }])
    expect(match(router, '/foo/12/baz')).toEqual([{ x: '1' }, { bar: '12' }])
    expect(match(router, '/foo/ab/baz')).toEqual([{ x: '2' }, { bar: 'ab' }])
    expect(match(router, '/foo/12a/baz')).toEqual([{ x: '2' }, { bar: '12a' }])
    expect(match(router, '/foo/12/bar')).toEqual([null, null])
  })

  it('test_edge_join_longer_prefix_with_local_placeholder (a placeholder, then a static path it covers: the placeholder wins)', () => {
    const router = routes(['/foo/{bar}', { x: '1' }], ['/foo/baz', { x: '2' }])
    // autoroutes agrees: its '{bar}' edge comes before the 'baz' one.
    expect(match(router, '/foo/baz')).toEqual([{ x: '1' }, { bar: 'baz' }])
    expect(match(router, '/foo/qux')).toEqual([{ x: '1' }, { bar: 'qux' }])
    expect(match(router, '/foo/ba')).toEqual([{ x: '1' }, { bar: 'ba' }])
    expect(match(router, '/foo/bazz')).toEqual([{ x: '1' }, { bar: 'bazz' }])
    // The shared '/foo/' node has no payload, so autoroutes finds nothing; our trailing
    // placeholder matches empty.
    expect(match(router, '/foo/')).toEqual([{ x: '1' }, { bar: '' }])
  })

  it('test_edge_join_longer_prefix_with_local_placeholder2 (a placeholder path, then a static path sharing its root)', () => {
    const router = routes(['/foo/baz/{bar}', { x: '1' }], ['/foo/bar', { x: '2' }])
    expect(match(router, '/foo/baz/1')).toEqual([{ x: '1' }, { bar: '1' }])
    expect(match(router, '/foo/bar')).toEqual([{ x: '2' }, {}])
    expect(match(router, '/foo/ba')).toEqual([null, null])
    expect(match(router, '/foo/baz')).toEqual([null, null])
    expect(match(router, '/foo/bar/1')).toEqual([null, null])
    // autoroutes agrees here (its empty check skips a placeholder inside an edge).
    expect(match(router, '/foo/baz/')).toEqual([{ x: '1' }, { bar: '' }])
  })

  it('test_edge_join_longer_prefix_with_remote_placeholder (a static path, then a placeholder beside it)', () => {
    const router = routes(['/foo/baz', { x: '1' }], ['/foo/{bar}', { x: '2' }])
    expect(match(router, '/foo/baz')).toEqual([{ x: '1' }, {}])
    expect(match(router, '/foo/qux')).toEqual([{ x: '2' }, { bar: 'qux' }])
    expect(match(router, '/foo/ba')).toEqual([{ x: '2' }, { bar: 'ba' }])
    expect(match(router, '/foo/baz/')).toEqual([null, null])
    // Quirk, no backtracking: autoroutes' 'baz' edge matches the start of 'bazz', the
    // tree commits to it and finds nothing. Ours: '{bar}' matches 'bazz'.
    expect(match(router, '/foo/bazz')).toEqual([{ x: '2' }, { bar: 'bazz' }])
    // The shared '/foo/' node has no payload, so autoroutes finds nothing; our trailing
    // placeholder matches empty.
    expect(match(router, '/foo/')).toEqual([{ x: '2' }, { bar: '' }])
  })

  it('test_edge_join_longer_prefix_with_remote_placeholder2 (a static path, then a placeholder path sharing its root)', () => {
    const router = routes(['/foo/bar', { x: '1' }], ['/foo/baz/{bar}', { x: '2' }])
    expect(match(router, '/foo/bar')).toEqual([{ x: '1' }, {}])
    expect(match(router, '/foo/baz/1')).toEqual([{ x: '2' }, { bar: '1' }])
    expect(match(router, '/foo/ba')).toEqual([null, null])
    expect(match(router, '/foo/barr')).toEqual([null, null])
    expect(match(router, '/foo/bar/1')).toEqual([null, null])
    // autoroutes agrees here (its empty check skips a placeholder inside an edge).
    expect(match(router, '/foo/baz/')).toEqual([{ x: '2' }, { bar: '' }])
  })

  it('test_edge_insert_same_path_placeholder_and_suffix (adding a placeholder path with a suffix twice merges the payloads)', () => {
    const router = new Router<Data>()
    router.add('/foo/{bar}/baz', { x: '1' })
    router.add('/foo/{bar}/baz', { y: '2' })
    expect(match(router, '/foo/1/baz')).toEqual([{ x: '1', y: '2' }, { bar: '1' }])
  })

  it('test_edge_join_longer_suffix (a placeholder path, then a longer one after it: both reachable)', () => {
    const router = routes(['/foo/{bar}/', { x: '1' }], ['/foo/{bar}/baz', { x: '2' }])
    expect(match(router, '/foo/1/')).toEqual([{ x: '1' }, { bar: '1' }])
    expect(match(router, '/foo/1/baz')).toEqual([{ x: '2' }, { bar: '1' }])
    expect(match(router, '/foo/1/ba')).toEqual([null, null])
    expect(match(router, '/foo/1/bazz')).toEqual([null, null])
  })

  it('test_edge_join_shorter_suffix (a placeholder path, then a shorter one: both reachable)', () => {
    const router = routes(['/foo/{bar}/baz', { x: '1' }], ['/foo/{bar}/', { x: '2' }])
    expect(match(router, '/foo/1/')).toEqual([{ x: '2' }, { bar: '1' }])
    expect(match(router, '/foo/1/baz')).toEqual([{ x: '1' }, { bar: '1' }])
    expect(match(router, '/foo/1/ba')).toEqual([null, null])
    expect(match(router, '/foo/1/bazz')).toEqual([null, null])
  })

  it('test_edge_join_same_suffix_root (one placeholder, suffixes sharing a root: the shared root is no route)', () => {
    const router = routes(['/foo/{bar}/bar', { x: '1' }], ['/foo/{bar}/baz', { x: '2' }])
    expect(match(router, '/foo/1/ba')).toEqual([null, null])
    expect(match(router, '/foo/1/bar')).toEqual([{ x: '1' }, { bar: '1' }])
    expect(match(router, '/foo/1/baz')).toEqual([{ x: '2' }, { bar: '1' }])
    expect(match(router, '/foo/1/bax')).toEqual([null, null])
  })

  it('test_edge_insert_same_placeholder_and_suffix (adding a path that starts with a placeholder twice merges the payloads)', () => {
    const router = new Router<Data>()
    router.add('{bar}/foo', { x: '1' })
    router.add('{bar}/foo', { y: '2' })
    expect(match(router, 'a/foo')).toEqual([{ x: '1', y: '2' }, { bar: 'a' }])
  })

  it('test_edge_insert_same_placeholder_with_different_suffix (one leading placeholder, two suffixes: each reachable, the shared part no route)', () => {
    const router = routes(['{bar}/foo', { x: '1' }], ['{bar}/bar', { y: '2' }])
    expect(match(router, 'a/foo')).toEqual([{ x: '1' }, { bar: 'a' }])
    expect(match(router, 'a/bar')).toEqual([{ y: '2' }, { bar: 'a' }])
    expect(match(router, 'a/')).toEqual([null, null])
    expect(match(router, 'a')).toEqual([null, null])
    expect(match(router, 'a/baz')).toEqual([null, null])
  })

  it('test_edge_insert_same_placeholder_with_one_suffix (a lone placeholder, then the same with a suffix: both reachable)', () => {
    const router = routes(['{bar}', { x: '1' }], ['{bar}/bar', { y: '2' }])
    expect(match(router, 'a')).toEqual([{ x: '1' }, { bar: 'a' }])
    expect(match(router, 'a/bar')).toEqual([{ y: '2' }, { bar: 'a' }])
    expect(match(router, 'a/baz')).toEqual([null, null])
    expect(match(router, 'a/')).toEqual([null, null])
    // autoroutes finds nothing (`[^/]+`); our trailing placeholder matches empty.
    expect(match(router, '')).toEqual([{ x: '1' }, { bar: '' }])
  })
})
