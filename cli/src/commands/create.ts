// roll create [dir] (and the create-roll bin): asks for what is missing when a terminal
// is attached, scaffolds a template, optionally installs and runs git init, then prints
// the next steps. Every question comes before the first write, so Ctrl-C leaves nothing.
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import type { PromptObject } from 'prompts'
import type { Argv, CommandModule } from 'yargs'
import { referenceLine, runCommandLine } from '../command-line.js'
import { CliError } from '../errors.js'
import { color, info } from '../log.js'
import {
  TEMPLATES,
  checkoutBuilt,
  detectPackageManager,
  existingEntries,
  findTemplate,
  packageManagerCommands,
  packageNameProblem,
  scaffold,
  summarize,
  toPackageName,
} from '../scaffold.js'

/** The flags and argument of `roll create`. */
export interface CreateArgs {
  dir?: string
  template?: string
  yes?: boolean
  force?: boolean
  install?: boolean
  git?: boolean
  link?: boolean
  $0?: string
}

const DEFAULT_DIR = 'roll-app'
const DEFAULT_TEMPLATE = TEMPLATES[0].name

/** Prompts only with a terminal on both ends, and never under --yes or CI. */
function canPrompt(args: CreateArgs): boolean {
  const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !args.yes && !ci
}

/** Asks one question; Ctrl-C (or Esc) ends the command before anything is written. */
async function ask<T>(question: Omit<PromptObject, 'name'>): Promise<T> {
  // Loaded only when a terminal is there to answer: the non-interactive path stays lean.
  const { default: prompts } = await import('prompts')
  let cancelled = false
  const answers = await prompts({ ...question, name: 'answer' } as PromptObject, {
    onCancel: () => {
      cancelled = true
      return false
    },
  })
  if (cancelled) throw new CliError('Cancelled: nothing was written.', undefined, 130)
  return answers.answer as T
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' })
    child.on('error', () => resolve(127))
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)))
  })
}

/**
 * Runs `roll create`: the steps below, in order.
 * @example await runCreate({ dir: 'my-app', template: 'basic', install: false })
 */
export async function runCreate(args: CreateArgs): Promise<void> {
  const interactive = canPrompt(args)
  const usage = args.$0 === 'create-roll' ? 'create-roll' : 'roll create'
  const manager = detectPackageManager()
  const commands = packageManagerCommands(manager)

  // 1. Flags that are wrong fail before any question.
  if (args.template !== undefined) findTemplate(args.template)

  // 2. Without a terminal (or under CI) nothing is asked: name every missing answer at once.
  if (!interactive && !args.yes) {
    const missing = [args.dir === undefined && 'the app folder (first argument)', args.template === undefined && '--template']
    const named = missing.filter((item): item is string => Boolean(item))
    if (named.length > 0) {
      throw new CliError(
        `Missing ${named.join(' and ')}, and no terminal to ask for ${named.length > 1 ? 'them' : 'it'}.`,
        `Pass ${named.length > 1 ? 'them' : 'it'}, e.g. ${usage} my-app --template ${DEFAULT_TEMPLATE}, or --yes for the defaults (${DEFAULT_DIR}, ${DEFAULT_TEMPLATE}).`,
      )
    }
  }

  // 3. The folder, and the package name derived from it.
  const dir =
    args.dir ??
    (interactive
      ? (await ask<string>({
          type: 'text',
          message: 'Project name:',
          initial: DEFAULT_DIR,
          validate: (value: string) => value.trim() !== '' || 'Give the app a folder name.',
        })).trim()
      : DEFAULT_DIR)
  const root = path.resolve(dir)
  let packageName = path.basename(root)
  const problem = packageNameProblem(packageName)
  if (problem && interactive) {
    packageName = await ask<string>({
      type: 'text',
      message: 'Package name:',
      initial: toPackageName(packageName),
      validate: (value: string) => packageNameProblem(value) ?? true,
    })
  } else if (problem) {
    throw new CliError(
      `Invalid package name '${packageName}' (the folder's name): ${problem}.`,
      `Name the folder like an npm package, e.g. ${usage} ${toPackageName(packageName)}.`,
    )
  }

  // 4. A non-empty folder is replaced only when asked to.
  const existing = existingEntries(root)
  let force = Boolean(args.force)
  if (existing.length > 0 && !force) {
    if (interactive) {
      force = await ask<boolean>({
        type: 'confirm',
        message: `Folder '${dir}' is not empty (${summarize(existing)}). Remove its contents and continue?`,
        initial: false,
      })
    }
    if (!force) {
      throw new CliError(
        `Folder '${dir}' is not empty (${summarize(existing)}); nothing was written.`,
        'Choose a new or empty folder, or pass --force to replace its contents.',
      )
    }
  }

  // 5. The template and whether to install.
  const template =
    args.template ??
    (interactive
      ? await ask<string>({
          type: 'select',
          message: 'Template:',
          choices: TEMPLATES.map((t) => ({ title: `${t.name.padEnd(20)} ${color.dim(t.description)}`, value: t.name })),
          initial: 0,
        })
      : DEFAULT_TEMPLATE)
  const install =
    args.install ??
    (interactive ? await ask<boolean>({ type: 'confirm', message: `Install dependencies now (${commands.install})?`, initial: true }) : false)

  // 6. Write the files.
  if (existing.length > 0) info(`Replacing the contents of ${dir}: ${summarize(existing, 10)}`)
  const result = await scaffold({ root, template, packageName, force, link: args.link })
  const named = packageName === path.basename(root) ? '' : ` (package ${packageName})`
  info(`Created ${color.bold(dir)}${named} from the ${color.cyan(template)} template, with @roll/framework ${result.framework}:`)
  for (const file of result.files) console.log(`  ${file}`)

  // 7. Optional extras: git, install. Failures here keep the app, which is complete.
  if (args.git) {
    const git = spawnSync('git', ['init', '--quiet'], { cwd: root, stdio: 'ignore' })
    if (git.status === 0) info('Initialised a git repository.')
    else info(color.yellow('git init failed (is git installed?); the app is there without a repository.'))
  }
  if (args.link && !(await checkoutBuilt())) {
    info(color.yellow("The Roll packages this app links to are not built: run 'npm install' in the Roll checkout first."))
  }
  const cd = path.relative(process.cwd(), root)
  if (install) {
    info(`Installing dependencies with ${commands.install}…`)
    const code = await run(manager, ['install'], root)
    if (code !== 0) {
      throw new CliError(
        `${commands.install} failed (exit code ${code}) in ${dir}; the app files are in place.`,
        `Fix the error above, then run ${commands.install} there again.`,
      )
    }
  }

  // 8. The exact next commands.
  const steps = [cd !== '' && `cd ${quote(cd)}`, !install && commands.install, commands.run('dev')].filter(Boolean)
  console.log(`\n${color.bold('Next steps:')}`)
  for (const step of steps) console.log(`  ${color.green(String(step))}`)
}

function options(y: Argv): Argv<CreateArgs> {
  return y
    .positional('dir', { type: 'string', describe: `Folder of the new app; its name is the package name (default ${DEFAULT_DIR})` })
    .option('template', { alias: 't', type: 'string', describe: `Template: ${TEMPLATES.map((t) => t.name).join(' | ')}` })
    .option('yes', { alias: 'y', type: 'boolean', describe: 'Never ask: use the defaults for missing answers' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'Replace the contents of a non-empty folder (.git is kept)' })
    .option('install', { type: 'boolean', describe: 'Install dependencies (--no-install to skip; asked on a terminal, else no)' })
    .option('git', { type: 'boolean', describe: 'Run git init in the new folder (default no)' })
    .option('link', { type: 'boolean', describe: 'Link @roll/* to this Roll checkout instead of the registry (for work on Roll itself)' })
    .epilog(`Templates:\n${TEMPLATES.map((t) => `  ${t.name.padEnd(20)} ${t.description}`).join('\n')}\n\n${referenceLine('#roll-create')}`) as Argv<CreateArgs>
}

/** `roll create [dir]`: scaffolds a Roll app from a template. */
export const create: CommandModule<object, CreateArgs> = {
  command: 'create [dir]',
  describe: 'Create a Roll app from a template',
  builder: options,
  handler: (args) => runCreate(args),
}

/**
 * The create-roll bin (`npm create roll@latest my-app -- --template auth`): the same
 * command as `roll create`, as the default command; resolves to the exit code.
 */
export function createRoll(argv: string[], version?: string): Promise<number> {
  // Its default command's --help ends with the reference already.
  return runCommandLine('create-roll', argv, (cli) => cli.command({ ...create, command: '$0 [dir]' }), version, null)
}
