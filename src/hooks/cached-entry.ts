// dist/hook.cjs: the command hook's entry, a few lines in front of the hook itself (dist/hook-body.cjs).
// Compiling the ~200 KB bundle was about a sixth of every hook process (issue 20: the command hook
// path against `node -e ""`). It is compiled from V8's code cache instead, kept per Node version
// and build under <warden home>/cache/ and made by the first hook that finds none (or finds it
// refused: V8 checks it against its own version, flags and the source). Anything amiss here
// loads the bundle the ordinary way.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { wardenHome } from '../runtime/paths';

const body = join(__dirname, 'hook-body.cjs');

function cacheFile(): string {
  const st = statSync(body);
  const tag = `${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}`.replace(/[^\w.-]/g, '_');
  return join(wardenHome(), 'cache', `hook-${tag}.v8`);
}

function run(): void {
  const file = cacheFile();
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(file);
  } catch {
    // none yet: made below
  }
  const script = new Script(Module.wrap(readFileSync(body, 'utf8')), { filename: body, cachedData: cached });
  if (!cached || script.cachedDataRejected) {
    // After the hook ran (it ends with process.exit), so the cache holds the functions it compiled.
    process.once('exit', () => {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, file);
        // The caches of earlier builds and Node versions are of no use any more.
        for (const old of readdirSync(dirname(file))) if (/^hook-.*\.v8$/.test(old) && old !== basename(file)) rmSync(join(dirname(file), old), { force: true });
      } catch {
        // no cache: the next hook compiles again
      }
    });
  }
  const mod = new Module(body, module);
  mod.filename = body;
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  runBody(() => fn.call(mod.exports, mod.exports, Module.createRequire(body), mod, body, dirname(body)));
}

let bodyRan = false;
function runBody(fn: () => void): void {
  bodyRan = true;
  fn();
}

try {
  run();
} catch (err) {
  // A failure before the hook itself ran loads it the ordinary way; the hook fails open on its own.
  if (bodyRan) throw err;
  require(body);
}
