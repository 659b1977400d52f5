// What a template is made of, wherever it is read from (this checkout's templates/ or the
// copy packed into @roll/cli's tarball): the files that belong to an app, by an allow-list;
// dotfiles under names npm keeps; @roll/* dependencies at the release's own version.
import { readdir } from 'node:fs/promises'
import path from 'node:path'

// npm leaves .gitignore, .npmrc and .npmignore out of a tarball without a word, so a
// template stores every dotfile under an encoded name, restored when an app is written.
const DOTFILES: Record<string, string> = {
  _gitignore: '.gitignore',
  _npmrc: '.npmrc',
  _dockerignore: '.dockerignore',
  '_env.example': '.env.example',
}
// The top of an app: these files and folders, and the encoded dotfiles. Anything else a
// template folder holds (node_modules, dist, a .env, a lockfile) is not part of it.
const TOP_LEVEL = new Set(['package.json', 'tsconfig.json', 'README.md', 'Dockerfile', 'src', 'test', 'public', ...Object.keys(DOTFILES)])
// Below the top: everything but these, and names starting with a dot.
const NEVER = new Set(['node_modules', 'dist'])

/** The files of the template in `dir` that belong to an app, relative to `dir`, sorted. */
export async function templateFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const allowed = prefix === '' ? TOP_LEVEL.has(entry.name) : !NEVER.has(entry.name) && !entry.name.startsWith('.')
    if (!allowed) continue
    const relative = path.join(prefix, entry.name)
    if (entry.isDirectory()) files.push(...(await templateFiles(dir, relative)))
    else if (entry.isFile()) files.push(relative)
  }
  return files.sort()
}

/** Where a template file is written in the app: encoded dotfiles get their dot back. */
export function appFileName(file: string): string {
  return Object.hasOwn(DOTFILES, file) ? DOTFILES[file] : file
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const
type Manifest = Record<string, unknown> & Partial<Record<(typeof DEPENDENCY_FIELDS)[number], Record<string, string>>>

/**
 * `manifest` with every `@roll/*` dependency set to `spec(name)`: `^<version>` of the
 * release for a published app (0.x: `^0.1.0` would refuse 0.2.0), or a `file:` link.
 */
export function withRollDependencies(manifest: Manifest, spec: (name: string) => string): Manifest {
  const result: Manifest = { ...manifest }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field]
    if (!deps) continue
    result[field] = Object.fromEntries(Object.entries(deps).map(([name, range]) => [name, name.startsWith('@roll/') ? spec(name) : range]))
  }
  return result
}

// Specs that only resolve on the machine that wrote them.
const LOCAL_SPEC = /^(file:|link:|workspace:|portal:|\.{0,2}\/|~\/|[a-zA-Z]:[\\/])/

/** "dependencies.@roll/framework: file:../framework" for each dependency a registry cannot serve. */
export function localDependencies(manifest: Manifest): string[] {
  return DEPENDENCY_FIELDS.flatMap((field) =>
    Object.entries(manifest[field] ?? {})
      .filter(([, range]) => LOCAL_SPEC.test(range))
      .map(([name, range]) => `${field}.${name}: ${range}`),
  )
}
