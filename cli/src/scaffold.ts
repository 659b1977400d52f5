// Scaffolding: copies an app template into a folder. The only module that knows where
// templates are: this checkout's templates/, or the copy in @roll/cli's tarball. Files are
// copied verbatim, encoded dotfiles (`_gitignore`) get their dot back, and package.json
// gets the app's name and @roll/* at this release's version (or, opted in, `file:` links).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import validateNpmPackageName from 'validate-npm-package-name'
import { cliVersion } from './command-line.js'
import { CliError } from './errors.js'
import { appFileName, templateFiles, withRollDependencies } from './template-files.js'

/** A template's name and its one-line description, as the prompt lists them. */
export interface Template {
  name: string
  description: string
}

/** The templates, in the order the prompt lists them; the first is the default. */
export const TEMPLATES: readonly Template[] = [
  { name: 'basic', description: "Roll's hello app: JSON route, HttpError, logger" },
  { name: 'websocket-keepalive', description: 'Websocket echo/broadcast, ping/pong keep-alive, a page' },
  { name: 'auth', description: 'HTTP Basic auth for a route and a websocket' },
  { name: 'custom-query', description: 'Roll subclass: a Query building dates, 400 on bad input' },
]

// src/scaffold.ts and dist/scaffold.js both sit one level below @roll/cli's folder, which
// in this checkout sits one level below the checkout's root.
const packageRoot = fileURLToPath(new URL('../', import.meta.url))
const checkoutRoot = path.dirname(path.resolve(packageRoot))

function isCheckout(): boolean {
  try {
    return JSON.parse(readFileSync(path.join(checkoutRoot, 'package.json'), 'utf8')).name === 'roll-monorepo'
  } catch {
    return false
  }
}

/** Whether this @roll/cli runs from a Roll checkout (rather than installed from a registry). */
export const inCheckout = isCheckout()

/** The folder holding the templates: the checkout's own, or the copy packed with @roll/cli. */
export const templatesDir = inCheckout ? path.join(checkoutRoot, 'templates') : path.join(packageRoot, 'templates')

/** The template called `name`, or a CliError listing the available ones. */
export function findTemplate(name: string): Template {
  const template = TEMPLATES.find((t) => t.name === name)
  if (template) return template
  throw new CliError(
    `Unknown template '${name}'. Available: ${TEMPLATES.map((t) => t.name).join(', ')}.`,
    `Pass one of them to --template, e.g. --template ${TEMPLATES[0].name}.`,
  )
}

/** Why `name` cannot be a new npm package's name, or `undefined` when it can. */
export function packageNameProblem(name: string): string | undefined {
  const result = validateNpmPackageName(name)
  if (result.validForNewPackages) return undefined
  return result.errors?.[0] ?? result.warnings?.[0] ?? 'not a valid npm package name'
}

/** A valid package name close to `name` ("My App!" → "my-app"), for suggestions. */
export function toPackageName(name: string): string {
  const cleaned = name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/[^a-z0-9~.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '')
  return cleaned === '' || packageNameProblem(cleaned) ? 'roll-app' : cleaned
}

/** The entries of `dir` a scaffold would replace (`.git` is kept); `[]` when it does not exist. */
export function existingEntries(dir: string): string[] {
  if (!existsSync(dir)) return []
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error
    throw new CliError(`'${dir}' exists and is not a folder.`, 'Choose another name for the app folder.')
  }
  return entries.filter((entry) => entry !== '.git').sort()
}

/** "a, b, c and 4 more": a short list of entries for messages. */
export function summarize(entries: string[], max = 5): string {
  const shown = entries.slice(0, max).join(', ')
  return entries.length > max ? `${shown} and ${entries.length - max} more` : shown
}

/** The checkout's packages an app may link to (`--link`), by name, with their folders. */
export function checkoutPackages(): Record<string, string> {
  if (!inCheckout) return {}
  return { '@roll/framework': path.join(checkoutRoot, 'framework'), '@roll/cli': path.join(checkoutRoot, 'cli'), '@roll/redis': path.join(checkoutRoot, 'redis') }
}

/** The package manager that runs us, from `npm_config_user_agent` ("pnpm/9.0.0 npm/? node/v20…"). */
export function detectPackageManager(userAgent = process.env.npm_config_user_agent ?? ''): 'npm' | 'pnpm' | 'yarn' | 'bun' {
  const name = userAgent.split(' ')[0]?.split('/')[0]
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm'
}

/** The commands that install dependencies and run a script with `manager`. */
export function packageManagerCommands(manager: ReturnType<typeof detectPackageManager>) {
  return {
    install: `${manager} install`,
    run: (script: string) => (manager === 'npm' || manager === 'bun' ? `${manager} run ${script}` : `${manager} ${script}`),
  }
}

/** What to scaffold, and where. */
export interface ScaffoldOptions {
  /** The app folder (resolved against the current directory). */
  root: string
  /** A name from TEMPLATES. */
  template: string
  /** The app's package name; default: the folder's name. */
  packageName?: string
  /** Replace the contents of a non-empty folder (`.git` is kept). Default false. */
  force?: boolean
  /**
   * Link @roll/* to this checkout's folders (`file:`) instead of the registry's release,
   * for work on Roll itself. Only from a checkout. Default false.
   */
  link?: boolean
}

/** What `scaffold` wrote. */
export interface ScaffoldResult {
  /** The app folder, absolute. */
  root: string
  /** The files written, relative to root, sorted. */
  files: string[]
  /** The entries removed from a non-empty folder (with `force`). */
  replaced: string[]
  /** What package.json says for @roll/framework: `^0.1.0`, or `file:` and the folder. */
  framework: string
}

const isInside = (root: string, file: string) => {
  const relative = path.relative(root, file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/** The app's package.json: its name, and @roll/* at this release (or linked). */
function appManifest(text: string, name: string, link: boolean): { dependencies?: Record<string, string> } {
  const local = checkoutPackages()
  const spec = (dep: string) => (link && local[dep] ? `file:${local[dep]}` : `^${cliVersion}`)
  return withRollDependencies({ ...JSON.parse(text), name }, spec)
}

/** The first folder of `dir`'s ancestry (itself included) that does not exist yet, if any. */
function firstMissing(dir: string): string | undefined {
  let missing: string | undefined
  for (let current = dir; !existsSync(current); current = path.dirname(current)) missing = current
  return missing
}

function refuseDangerousForce(root: string): void {
  const cwd = process.cwd()
  if (root === path.parse(root).root || root === os.homedir() || isInside(root, cwd)) {
    throw new CliError(
      `Refusing to replace the contents of '${root}': it holds your home, the current folder or the whole disk.`,
      'Scaffold into a new folder instead, e.g. roll create my-app.',
    )
  }
}

/**
 * Copies `template` into `root`: files verbatim, dotfiles restored, package.json with the
 * app's name and @roll/* at this release. On failure or Ctrl-C nothing is left behind.
 * @example await scaffold({ root: 'my-app', template: 'basic' })
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const root = path.resolve(options.root)
  const template = findTemplate(options.template)
  const packageName = options.packageName ?? path.basename(root)
  const problem = packageNameProblem(packageName)
  if (problem) {
    throw new CliError(`Invalid package name '${packageName}': ${problem}.`, `Use a lowercase name such as '${toPackageName(packageName)}'.`)
  }
  const replaced = existingEntries(root)
  if (replaced.length > 0 && !options.force) {
    throw new CliError(
      `Folder '${root}' is not empty (${summarize(replaced)}).`,
      'Choose a new or empty folder, or pass --force to replace its contents.',
    )
  }
  if (replaced.length > 0) refuseDangerousForce(root)
  if (options.link && !inCheckout) {
    throw new CliError(
      '--link links the app to a Roll checkout, and this roll was installed from a registry.',
      "Run the checkout's own bin, e.g. node path/to/roll/cli/bin/roll.js create my-app --link.",
    )
  }

  const source = path.join(templatesDir, template.name)
  const files = await templateFiles(source)
  const createdFrom = firstMissing(root)
  const written: string[] = []
  let framework = ''
  // Removes what this call wrote; the replaced entries are gone already.
  const undo = () => {
    if (createdFrom) rmSync(createdFrom, { recursive: true, force: true })
    else for (const file of written) rmSync(file, { force: true })
  }
  const onInterrupt = () => {
    undo()
    process.exit(130)
  }
  process.once('SIGINT', onInterrupt)
  try {
    for (const entry of replaced) await rm(path.join(root, entry), { recursive: true, force: true })
    await mkdir(root, { recursive: true })
    const names: string[] = []
    for (const file of files) {
      const name = appFileName(file)
      const target = path.join(root, name)
      // Template names are ours, but a path that escapes root must never be written.
      if (!isInside(root, target)) throw new Error(`template file '${file}' would be written outside '${root}'`)
      await mkdir(path.dirname(target), { recursive: true })
      written.push(target)
      if (name === 'package.json') {
        const manifest = appManifest(await readFile(path.join(source, file), 'utf8'), packageName, Boolean(options.link))
        framework = manifest.dependencies?.['@roll/framework'] ?? ''
        await writeFile(target, `${JSON.stringify(manifest, null, 2)}\n`)
      } else {
        await copyFile(path.join(source, file), target)
      }
      names.push(name.split(path.sep).join('/'))
    }
    return { root, files: names.sort(), replaced, framework }
  } catch (error) {
    undo()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC') {
      throw new CliError(`Cannot write the app in '${root}' (${code}); nothing was left behind.`, 'Choose a folder you can write to.')
    }
    throw error
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

/** Whether the checkout's packages are built (a `file:` link installs them as they are). */
export async function checkoutBuilt(): Promise<boolean> {
  const dirs = Object.values(checkoutPackages())
  const built = await Promise.all(dirs.map((dir) => stat(path.join(dir, 'dist')).then(() => true, () => false)))
  return built.every(Boolean)
}
