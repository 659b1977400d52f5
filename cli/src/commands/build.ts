// roll build: bundle the app and a small server bootstrap into one ES module, dist/server.mjs.
import type { Metafile } from 'esbuild'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Argv, CommandModule } from 'yargs'
import { buildErrors, formatErrors, loadEsbuild, productionBuildOptions } from '../bundle.js'
import { resolveEntry } from '../entry.js'
import { CliError } from '../errors.js'
import { referenceLine } from '../command-line.js'
import { color, success } from '../log.js'

interface BuildArgs {
  outfile: string
  external: string[]
  minify: boolean
  entry?: string
}

/** `roll build [--outfile dist/server.mjs] [--external pkg ...] [--no-minify] [--entry src/app.ts]` */
export const build: CommandModule<object, BuildArgs> = {
  command: 'build',
  describe: 'Bundle the app and its server into one file, dist/server.mjs (run it with node or roll start)',
  builder: (yargs) =>
    yargs.options({
      outfile: { type: 'string', default: 'dist/server.mjs', describe: 'The bundle to write' },
      external: { type: 'string', array: true, default: [], describe: 'Packages to leave out of the bundle (native modules); install them next to it' },
      minify: { type: 'boolean', default: true, describe: 'Minify the bundle (--no-minify keeps it readable)' },
      entry: { type: 'string', describe: 'The app module (default: "roll.entry" in package.json, else src/app.ts)' },
    }).epilogue(referenceLine('#roll-build')) as unknown as Argv<BuildArgs>,
  handler: (args) => runBuild(args),
}

async function runBuild(args: BuildArgs): Promise<void> {
  const root = process.cwd()
  const entry = resolveEntry(root, args.entry)
  const outfile = resolve(root, args.outfile)
  const started = performance.now()
  const { build: esbuild } = loadEsbuild()
  let metafile: Metafile
  try {
    ;({ metafile } = (await esbuild(productionBuildOptions({ root, entry: entry.path, outfile, external: args.external, minify: args.minify }))) as { metafile: Metafile })
  } catch (problem) {
    const errors = buildErrors(problem)
    if (errors === undefined) throw problem
    process.stderr.write(`${await formatErrors(errors, process.stderr.isTTY)}\n\n`)
    throw new CliError(`Build failed with ${errors.length} error${errors.length === 1 ? '' : 's'}.`, 'Fix the code above and run roll build again.')
  }
  const elapsed = Math.round(performance.now() - started)
  success(`built ${entry.shown} in ${elapsed} ms`)
  printSizes(root, outfile, metafile)
  console.log(`\nRun it: ${color.bold(`node ${relative(root, outfile)}`)} (PORT, HOST from the environment) or ${color.bold('roll start --workers auto')}`)
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

function printSizes(root: string, outfile: string, metafile: Metafile): void {
  const rows: string[][] = [['file', 'size', 'gzip']]
  const row = (file: string) => {
    if (!existsSync(file)) return
    const content = readFileSync(file)
    rows.push([relative(root, file), kB(content.length), file.endsWith('.map') ? '' : kB(gzipSync(content).length)])
  }
  row(outfile)
  // What the bundle is made of, by package, right under it: where to look when it grows.
  const byPackage = new Map<string, number>()
  const output = Object.entries(metafile.outputs).find(([path]) => !path.endsWith('.map'))?.[1]
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(resolve(root, input))
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput)
  }
  const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6)
  if (largest.length > 0) rows.push(['  by package:', '', ''])
  for (const [name, bytes] of largest) rows.push([`    ${name}`, kB(bytes), ''])
  row(`${outfile}.map`)
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  for (const [index, row] of rows.entries()) {
    const line = row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')
    console.log(index === 0 || row[0] === '  by package:' ? color.dim(line) : line)
  }
}

const packageNames = new Map<string, string>()

// The name in the nearest package.json: the bundle's inputs by package, symlinked workspaces included.
function packageOf(file: string): string {
  let dir = dirname(file)
  const seen: string[] = []
  let name = '(app)'
  for (;;) {
    const known = packageNames.get(dir)
    if (known !== undefined) { name = known; break }
    seen.push(dir)
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      try { name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? '(app)' } catch { /* unnamed */ }
      break
    }
    const parent = dirname(dir)
    if (parent === dir || dir.endsWith(`${sep}node_modules`)) break
    dir = parent
  }
  for (const dir of seen) packageNames.set(dir, name)
  return name
}
