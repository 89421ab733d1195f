// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from ../openapi.yaml.
// Run by `npm run build`, so a client built against a stale contract never ships.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const spec = resolve(root, '..', 'openapi.yaml')
const committed = join(root, 'src', 'api', 'schema.d.ts')

if (!existsSync(spec)) {
  console.error(`check:api: ${spec} not found; the client types are generated from it.`)
  process.exit(1)
}

const require = createRequire(import.meta.url)
const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js')
const dir = mkdtempSync(join(tmpdir(), 'feedback-check-api-'))
try {
  const out = join(dir, 'schema.d.ts')
  const run = spawnSync(process.execPath, [cli, spec, '-o', out], { cwd: root, encoding: 'utf8' })
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr)
    console.error('check:api: openapi-typescript failed')
    process.exit(1)
  }
  const normalise = (s) => s.replace(/\r\n/g, '\n')
  const expected = normalise(readFileSync(out, 'utf8'))
  const actual = existsSync(committed) ? normalise(readFileSync(committed, 'utf8')) : ''
  if (expected !== actual) {
    console.error('check:api: src/api/schema.d.ts is out of date with ../openapi.yaml.')
    console.error('Run `npm run gen:api` in web-client/ and commit the result.')
    process.exit(1)
  }
  console.log('check:api: src/api/schema.d.ts matches ../openapi.yaml')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
