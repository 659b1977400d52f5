// @roll/cli's prepack step: brings cli/templates/ (git-ignored) in line with the checkout's
// templates, by the allow-list of template-files.ts, with @roll/* dependencies stamped at
// this release's version. It fails, and so does `npm pack` / `npm publish`, if a template
// would ship a dependency a registry cannot serve. Files already right are not touched,
// so two packs at once (the tests run some side by side) never see a half-written file.
//   node scripts/pack-templates.mjs [from] [to]    (default: ../templates and ./templates)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { localDependencies, templateFiles, withRollDependencies } from '../dist/template-files.js'

const cli = fileURLToPath(new URL('..', import.meta.url))
const source = path.resolve(process.argv[2] ?? path.join(cli, '..', 'templates'))
const target = path.resolve(process.argv[3] ?? path.join(cli, 'templates'))
const { version } = JSON.parse(readFileSync(path.join(cli, 'package.json'), 'utf8'))

const wanted = new Map()
const problems = []
for (const name of readdirSync(source).sort()) {
  for (const file of await templateFiles(path.join(source, name))) {
    let content = readFileSync(path.join(source, name, file))
    if (file === 'package.json') {
      const manifest = withRollDependencies(JSON.parse(content.toString('utf8')), () => `^${version}`)
      problems.push(...localDependencies(manifest).map((problem) => `templates/${name}/package.json ${problem}`))
      content = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)
    }
    wanted.set(path.join(name, file), content)
  }
}
if (problems.length > 0) {
  console.error(`@roll/cli cannot be packed: a template depends on a path that only exists on this machine.\n  ${problems.join('\n  ')}\nUse a version range from the registry instead.`)
  process.exit(1)
}

const present = existsSync(target) ? readdirSync(target, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()) : []
for (const entry of present) {
  const file = path.relative(target, path.join(entry.parentPath, entry.name))
  if (!wanted.has(file)) rmSync(path.join(target, file))
}
for (const [file, content] of wanted) {
  const to = path.join(target, file)
  if (existsSync(to) && readFileSync(to).equals(content)) continue
  mkdirSync(path.dirname(to), { recursive: true })
  writeFileSync(to, content)
}
