// The route set that find-my-way's authors published in delvedor/router-benchmark
// (benchmarks/*.js) and that hono's router benchmark reuses (benchmarks/routers/src/tool.mts):
// 12 routes "similar to those used in the real world". Transcribed as data, with the
// lookups both make. `:name` is a placeholder, `*` the rest of the path.
export const routes = [
  ['GET', '/user'],
  ['GET', '/user/comments'],
  ['GET', '/user/avatar'],
  ['GET', '/user/lookup/username/:username'],
  ['GET', '/user/lookup/email/:address'],
  ['GET', '/event/:id'],
  ['GET', '/event/:id/comments'],
  ['POST', '/event/:id/comment'],
  ['GET', '/map/:location/events'],
  ['GET', '/status'],
  ['GET', '/very/deeply/nested/route/hello/there'],
  ['GET', '/static/*'],
]

// Their GET lookups, and a 404. `route` is the route expected to match (null: none).
export const lookups = [
  { name: 'short static', path: '/user', route: '/user', params: {} },
  { name: 'static with same radix', path: '/user/comments', route: '/user/comments', params: {} },
  { name: 'dynamic route', path: '/user/lookup/username/hey', route: '/user/lookup/username/:username', params: { username: 'hey' } },
  { name: 'mixed static dynamic', path: '/event/abcd1234/comments', route: '/event/:id/comments', params: { id: 'abcd1234' } },
  { name: 'long static', path: '/very/deeply/nested/route/hello/there', route: '/very/deeply/nested/route/hello/there', params: {} },
  { name: 'wildcard', path: '/static/index.html', route: '/static/*', params: {} },
  { name: '404', path: '/nope/1', route: null, params: {} },
]
