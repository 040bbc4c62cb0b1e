#!/usr/bin/env bash
# The package test: pack threadorm as `npm publish` would, install the tarball into a scratch consumer
# project, compile the README tour under --strict and run it as users do: plain node, node
# --enable-source-maps, ts-node with .ts model modules, an ESM (.mjs) app, one whose models are ES modules,
# and the threadorm command line (makemigrations, migrate) in that project.
# Prints one "ok"/"not ok" line per leg and ends with "package test: N passed, N failed, N skipped".
# Exits non-zero when a leg fails.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/threadorm-package-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
bin="$repo/node_modules/.bin"

passed=0 failed=0 skipped=0
log() { printf '%s\n' "$*" >&2; }
leg() {
  local name="$1"; shift
  local output status
  log "package test: $name ..."
  output="$("$@" 2>&1)"; status=$?
  if [ $status -eq 0 ]; then
    echo "ok - $name: $(tail -n 1 <<<"$output")"; passed=$((passed + 1))
  else
    echo "not ok - $name:"; sed 's/^/    /' <<<"$output" | tail -n 40; failed=$((failed + 1))
  fi
  return $status
}
finish() {
  echo "package test: ${passed} passed, ${failed} failed, ${skipped} skipped"
  exit $((failed > 0))
}

pack() {
  (cd "$repo" && npm pack --silent --pack-destination "$scratch" >"$scratch/tarball-name") || return 1
  local tarball="$scratch/$(tail -n 1 "$scratch/tarball-name")"
  local listing; listing="$(tar -tzf "$tarball")"
  grep -qx 'package/LICENSE' <<<"$listing" || { echo "the tarball has no LICENSE"; return 1; }
  grep -qx 'package/dist/src/index.js' <<<"$listing" || { echo "the tarball has no dist/src/index.js"; return 1; }
  grep -qx 'package/dist/mixins/index.d.ts' <<<"$listing" || { echo "the tarball has no dist/mixins/index.d.ts"; return 1; }
  grep -qx 'package/dist/src/migrations/index.d.ts' <<<"$listing" || { echo "the tarball has no dist/src/migrations/index.d.ts"; return 1; }
  grep -qx 'package/bin/threadorm' <<<"$listing" || { echo "the tarball has no bin/threadorm"; return 1; }
  if grep -q '\.map$' <<<"$listing"; then echo "the tarball ships source maps whose sources it does not ship"; return 1; fi
  if grep -Eq '^package/(src|testapp|bench|\.ci)/' <<<"$listing"; then echo "the tarball ships development files"; return 1; fi
  echo "$(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) kB"
}

install() {
  local tarball; tarball="$scratch/$(tail -n 1 "$scratch/tarball-name")"
  mkdir -p "$scratch/app/esm" && cp "$repo"/packaging/consumer/* "$scratch/app/" && cp "$repo"/packaging/consumer-esm/* "$scratch/app/esm/" || return 1
  # The app's models are the README tour's "Define models" block, exactly as written there.
  node -e '
    const readme = require("fs").readFileSync(process.argv[1], "utf8");
    const start = readme.indexOf("### Define models");
    const block = start < 0 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
    if (!block) { console.error("README.md has no Define models block"); process.exit(1); }
    require("fs").writeFileSync(process.argv[2], block[1]);
  ' "$repo/README.md" "$scratch/app/models.ts" || return 1
  cd "$scratch/app" || return 1
  printf '{ "name": "threadorm-consumer", "private": true }\n' >package.json
  # Install scripts are skipped only to reuse the repository's compiled better-sqlite3 when it is the
  # same version (compiling it again takes minutes on a small machine); otherwise it is rebuilt here.
  npm install --no-audit --no-fund --prefer-offline --ignore-scripts "$tarball" || return 1
  local wanted have
  wanted="$(node -p "require('./node_modules/better-sqlite3/package.json').version")"
  have="$(node -p "require('$repo/node_modules/better-sqlite3/package.json').version")"
  if [ "$wanted" = "$have" ] && [ -f "$repo/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
    mkdir -p node_modules/better-sqlite3/build/Release
    cp "$repo/node_modules/better-sqlite3/build/Release/better_sqlite3.node" node_modules/better-sqlite3/build/Release/
  else
    npm rebuild better-sqlite3 || return 1
  fi
  node -e "require('threadorm'); require('threadorm/mixins')" && echo "installed threadorm $(node -p "require('./node_modules/threadorm/package.json').version") with better-sqlite3 $wanted"
}

compile() {
  cd "$scratch/app" && NODE_PATH="$repo/node_modules" "$bin/tsc" -p tsconfig.json --typeRoots "$repo/node_modules/@types" && echo "no errors"
}

# The command line as a user runs it in the installed project: a threadorm.config.ts, the README's models,
# `npx threadorm` (the package's bin, running dist/). The migration it writes must compile under --strict.
cli() {
  cd "$scratch/app" || return 1
  printf "export default { database: 'cli.sqlite3', models: ['./models.ts'], migrations: 'migrations' };\n" >threadorm.config.ts
  npx --no-install threadorm makemigrations </dev/null || return 1
  [ -f migrations/0001_initial.ts ] || { echo "makemigrations wrote no migrations/0001_initial.ts"; return 1; }
  printf '{ "extends": "./tsconfig.json", "compilerOptions": { "noEmit": true }, "files": ["migrations/0001_initial.ts"] }\n' >tsconfig.migrations.json
  NODE_PATH="$repo/node_modules" "$bin/tsc" -p tsconfig.migrations.json --typeRoots "$repo/node_modules/@types" || return 1
  npx --no-install threadorm migrate || return 1
  npx --no-install threadorm makemigrations --check </dev/null || return 1
  npx --no-install threadorm showmigrations | grep -qx ' \[X\] 0001_initial' || { echo "showmigrations does not list 0001_initial as applied"; return 1; }
  echo "npx threadorm: makemigrations wrote 0001_initial (compiles under --strict), migrate applied it, --check finds nothing"
}

cd "$repo"
leg pack pack || finish
leg install install || finish
leg "tsc --strict" compile || finish
cd "$scratch/app"
leg "node" node out/main.js
leg "node --enable-source-maps" node --enable-source-maps out/main.js
leg "ts-node" "$bin/ts-node" --transpile-only --project tsconfig.json main.ts
leg "ESM (.mjs)" bash -c 'cp main.mjs out/ && node out/main.mjs'
leg "ESM models (.mjs)" node esm/main.mjs
leg "npx threadorm" cli
finish
