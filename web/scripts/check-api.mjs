// Fails when web/openapi.json or web/src/api/schema.d.ts is not what the gateway's routing
// table generates now. Run from web/: `npm run check:api` (`npm run gen:api` after
// `npm run dump:api` brings them up to date).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const web = resolve(import.meta.dirname, '..')
const root = resolve(web, '..')
// the project's venv (not $PYTHON: make passes PYTHON=python3.11, the interpreter that builds the venv)
const python = process.env.ZJTX_VENV_PYTHON ?? join(root, '.venv', 'bin', 'python')
const fresh = execFileSync(python, [join(web, 'scripts', 'openapi_dump.py')], {
  cwd: root, env: { ...process.env, PYTHONPATH: join(root, 'services') }, maxBuffer: 64 << 20,
}).toString()
const dir = mkdtempSync(join(tmpdir(), 'zjtx-api-'))
writeFileSync(join(dir, 'openapi.json'), fresh)
execFileSync(join(web, 'node_modules', '.bin', 'openapi-typescript'), [join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')],
  { stdio: 'ignore' })
const stale = []
if (readFileSync(join(web, 'openapi.json'), 'utf8') !== fresh) stale.push('web/openapi.json')
if (readFileSync(join(web, 'src', 'api', 'schema.d.ts'), 'utf8') !== readFileSync(join(dir, 'schema.d.ts'), 'utf8')) stale.push('web/src/api/schema.d.ts')
if (stale.length) {
  console.error(`stale API types: ${stale.join(', ')} differ from what the gateway's routing table generates; ` +
    'run `npm run dump:api && npm run gen:api` in web/ and commit them')
  process.exit(1)
}
console.log('API types are current with the gateway routing table')
