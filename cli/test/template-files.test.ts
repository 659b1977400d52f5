// What a template is made of: the allow-listed files, encoded dotfiles, @roll/* ranges and local specs.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTemps, tempDir } from '../../test/helpers/create.js'
import { appFileName, localDependencies, templateFiles, withRollDependencies } from '../src/template-files.js'

afterEach(removeTemps)

describe('templateFiles', () => {
  it('lists the allow-listed top-level files and folders, sorted, and everything below but node_modules, dist and dotfiles', async () => {
    const dir = tempDir('roll-template-')
    const files = [
      'package.json', 'tsconfig.json', 'README.md', 'Dockerfile', '_gitignore', '_npmrc', '_dockerignore', '_env.example',
      'src/app.ts', 'src/main.ts', 'src/lib/util.ts', 'test/app.test.ts', 'public/index.html',
      // Left out:
      'package-lock.json', '.env', '.gitignore', 'node_modules/x/index.js', 'dist/server.mjs', 'notes.txt', '_other',
      'src/node_modules/y.js', 'src/dist/z.js', 'src/.hidden', 'test/.cache/a', 'public/dist/b.js',
    ]
    for (const file of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      writeFileSync(path.join(dir, file), '')
    }
    mkdirSync(path.join(dir, 'src/empty'))
    expect(await templateFiles(dir)).toEqual([
      'Dockerfile', 'README.md', '_dockerignore', '_env.example', '_gitignore', '_npmrc', 'package.json',
      path.join('public', 'index.html'), path.join('src', 'app.ts'), path.join('src', 'lib', 'util.ts'), path.join('src', 'main.ts'),
      path.join('test', 'app.test.ts'), 'tsconfig.json',
    ])
  })

  it('sorts the whole list as strings, not folder by folder', async () => {
    const dir = tempDir('roll-template-')
    for (const file of ['src/lib/util.ts', 'src/lib-x.ts', 'src/lib.ts']) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      writeFileSync(path.join(dir, file), '')
    }
    // '-' and '.' sort before '/': a folder's files come after its longer-named siblings.
    expect(await templateFiles(dir)).toEqual([path.join('src', 'lib-x.ts'), path.join('src', 'lib.ts'), path.join('src', 'lib', 'util.ts')])
  })

  it('lists a subfolder relative to the template when given a prefix', async () => {
    const dir = tempDir('roll-template-')
    mkdirSync(path.join(dir, 'src/a'), { recursive: true })
    writeFileSync(path.join(dir, 'src/a/b.ts'), '')
    writeFileSync(path.join(dir, 'src/c.ts'), '')
    expect(await templateFiles(dir, 'src')).toEqual([path.join('src', 'a', 'b.ts'), path.join('src', 'c.ts')])
  })

  it('skips what is neither a file nor a folder', async () => {
    const dir = tempDir('roll-template-')
    mkdirSync(path.join(dir, 'src'))
    const { symlinkSync } = await import('node:fs')
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'src', 'dangling'))
    writeFileSync(path.join(dir, 'src', 'app.ts'), '')
    expect(await templateFiles(dir)).toEqual([path.join('src', 'app.ts')])
  })
})

describe('appFileName', () => {
  it('gives the encoded dotfiles their dot back, and leaves other names alone', () => {
    expect(appFileName('_gitignore')).toBe('.gitignore')
    expect(appFileName('_npmrc')).toBe('.npmrc')
    expect(appFileName('_dockerignore')).toBe('.dockerignore')
    expect(appFileName('_env.example')).toBe('.env.example')
    expect(appFileName('src/_gitignore')).toBe('src/_gitignore')
    expect(appFileName('package.json')).toBe('package.json')
    expect(appFileName('toString')).toBe('toString')
  })
})

describe('withRollDependencies', () => {
  it('sets every @roll/* dependency in every dependency field, and keeps the rest', () => {
    const manifest = {
      name: 'app',
      scripts: { dev: 'roll dev' },
      dependencies: { '@roll/framework': 'file:../../framework', zod: '^3.0.0' },
      devDependencies: { '@roll/cli': 'file:../../cli', vitest: '^4.0.0', '@rollup/x': '1.0.0' },
      optionalDependencies: { '@roll/extra': '*' },
      peerDependencies: { '@roll/peer': '*' },
    }
    const result = withRollDependencies(manifest, (name) => `^9.9.9-${name}`)
    expect(result).toEqual({
      name: 'app',
      scripts: { dev: 'roll dev' },
      dependencies: { '@roll/framework': '^9.9.9-@roll/framework', zod: '^3.0.0' },
      devDependencies: { '@roll/cli': '^9.9.9-@roll/cli', vitest: '^4.0.0', '@rollup/x': '1.0.0' },
      optionalDependencies: { '@roll/extra': '^9.9.9-@roll/extra' },
      peerDependencies: { '@roll/peer': '^9.9.9-@roll/peer' },
    })
    // The manifest itself is left as it was.
    expect(manifest.dependencies['@roll/framework']).toBe('file:../../framework')
    expect(Object.keys(result)).toEqual(Object.keys(manifest))
  })

  it('adds no field the manifest lacks', () => {
    expect(withRollDependencies({ name: 'x', dependencies: { '@roll/framework': '1' } }, () => '2')).toEqual({ name: 'x', dependencies: { '@roll/framework': '2' } })
  })
})

describe('localDependencies', () => {
  it('names each dependency that only resolves on this machine', () => {
    const manifest = {
      dependencies: {
        a: 'file:../a', b: 'link:../b', c: 'workspace:*', d: 'portal:../d', e: './e', f: '../f', g: '/abs/g', h: '~/h',
        i: 'C:\\i', j: 'd:/j', ok1: '^1.0.0', ok2: 'npm:x@1', ok3: 'github:o/r', ok4: 'latest', ok5: 'https://x/y.tgz', ok6: 'x/file:',
      },
      devDependencies: { '@roll/cli': 'file:../../cli' },
      optionalDependencies: { o: 'link:o' },
      peerDependencies: { p: 'workspace:^' },
    }
    expect(localDependencies(manifest)).toEqual([
      'dependencies.a: file:../a', 'dependencies.b: link:../b', 'dependencies.c: workspace:*', 'dependencies.d: portal:../d',
      'dependencies.e: ./e', 'dependencies.f: ../f', 'dependencies.g: /abs/g', 'dependencies.h: ~/h', 'dependencies.i: C:\\i', 'dependencies.j: d:/j',
      'devDependencies.@roll/cli: file:../../cli', 'optionalDependencies.o: link:o', 'peerDependencies.p: workspace:^',
    ])
  })

  it('is empty for registry ranges and for a manifest without dependencies', () => {
    expect(localDependencies({ dependencies: { x: '^1.0.0' } })).toEqual([])
    expect(localDependencies({})).toEqual([])
  })
})
