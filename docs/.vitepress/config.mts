// The documentation site: `npm run docs:dev` serves it, `npm run docs:build` builds it
// into docs/.vitepress/dist (a dead internal link fails the build).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitepress'
import { withMermaid } from 'vitepress-plugin-mermaid'

const items = (folder: string, pages: Array<[string, string]>) => pages.map(([text, page]) => ({ text, link: `/${folder}/${page}` }))

// withMermaid: ```mermaid blocks render as diagrams.
export default withMermaid(defineConfig({
  title: 'Roll',
  description: 'A pico web framework for Node.js: async, simple, fast, pick three.',
  // GitHub Pages of github.com/roll-ts/roll; to confirm before the first release.
  base: '/roll/',
  cleanUrls: true,
  srcExclude: ['CONTRIBUTING.md', 'bench/**', 'scripts/**'],
  lastUpdated: false,
  // Out of the tree, with the rest of what installs and builds write.
  cacheDir: fileURLToPath(new URL('../../node_modules/.vitepress/cache', import.meta.url)),
  markdown: {
    // ```ts [src/app.ts] shows "src/app.ts" above the block (VitePress shows titles only in code groups).
    config(md) {
      const fence = md.renderer.rules.fence!
      md.renderer.rules.fence = (tokens, index, options, env, self) => {
        const title = /\[([^\]]+)\]/.exec(tokens[index]!.info)?.[1]
        const caption = title ? `<p class="code-title">${md.utils.escapeHtml(title)}</p>` : ''
        return caption + fence(tokens, index, options, env, self)
      }
    },
  },
  themeConfig: {
    nav: [
      { text: 'Tutorials', link: '/tutorials/first-app' },
      { text: 'How-to', link: '/guide/' },
      { text: 'Reference', link: '/reference/' },
      { text: 'Discussions', link: '/discussions/' },
      { text: 'Changelog', link: '/changelog' },
    ],
    sidebar: [
      {
        text: 'Tutorials',
        items: items('tutorials', [['Your first app', 'first-app'], ['Its first test', 'first-test'], ['A form', 'form'], ['A chat on several workers', 'chat']]),
      },
      {
        text: 'How-to: basic',
        collapsed: false,
        items: items('guide/basic', [
          ['Errors', 'errors'], ['JSON', 'json'], ['Cookies', 'cookies'], ['Query casts', 'query'],
          ['Class views', 'class-views'], ['Custom request data', 'request-data'], ['Forms and uploads', 'uploads'],
          ['Lazy and streamed bodies', 'bodies'], ['Chunked responses', 'chunked'], ['Named URLs', 'named-urls'],
          ['Static files', 'static-files'], ['Testing', 'testing'],
        ]),
      },
      {
        text: 'How-to: advanced',
        collapsed: false,
        items: items('guide/advanced', [
          ['Create an extension', 'extension'], ['Content negotiation', 'content-negotiation'], ['Subclass Roll', 'subclass'],
          ['Deploy to production', 'deploy'], ['Send custom events', 'custom-events'], ['Protect a view', 'decorator'],
          ['Websocket pings and pongs', 'pings'], ['The pub/sub hub', 'pubsub'], ['Across machines: Redis', 'redis'],
        ]),
      },
      {
        text: 'How-to: developing',
        collapsed: false,
        items: items('guide/developing', [['Work with roll dev', 'dev-server'], ['Work on Roll itself', 'working-on-roll']]),
      },
      {
        text: 'Reference',
        items: [{ text: 'Overview', link: '/reference/' }, ...items('reference', [
          ['Core', 'core'], ['WebSockets', 'websockets'], ['Extensions', 'extensions'], ['Testing', 'testing'],
          ['Cluster', 'cluster'], ['Redis', 'redis'], ['The roll command', 'cli'], ['Environment', 'environment'], ['Templates', 'templates'],
        ])],
      },
      {
        text: 'Discussions',
        items: items('discussions', [
          ['Why Roll', 'why-roll'], ['How roll dev restarts', 'dev-restarts'], ['Benchmarks', 'benchmarks'],
          ['Reliability', 'reliability'], ['Decisions', 'decisions'], ['Inside the CLI', 'cli-internals'],
        ]),
      },
      { text: 'Changelog', link: '/changelog' },
    ],
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: 'https://github.com/roll-ts/roll' }],
    outline: [2, 3],
  },
}))
