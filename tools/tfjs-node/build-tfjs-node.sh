#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node (the engine's `tensorflow` backend) against the
# TensorFlow C library of a local TensorFlow pip wheel, for machines where
# tfjs-node's own install script cannot download libtensorflow (offline, CI).
#
#   bash tools/tfjs-node/build-tfjs-node.sh [--wheel PATH] [--force]
#
# Run it after `npm ci`. Where npm ci installed a working tfjs-node (a machine
# with internet), it does nothing. Otherwise it
#  1. fetches the package at the version package-lock.json pins (`npm pack`,
#     integrity checked against the lock) when npm ci dropped it, and installs
#     its own dependencies (at the lock's versions where the lock has them) in
#     its nested node_modules: `npm install <pkg>` in the repo cannot add one
#     optional package without also adding or pruning others (tfjs-node-gpu,
#     electron), so the repo's tree is left as npm ci made it;
#  2. copies libtensorflow_cc.so.2 (the C and eager C API tfjs-node's binding
#     calls) and libtensorflow_framework.so.2 from the wheel into deps/lib, with
#     the names the binding links (libtensorflow.so, .so.2), and the few headers
#     it includes into deps/include;
#  3. compiles the binding with node-gyp against the Node headers npm uses
#     (`npm config get nodedir`) and checks that it loads.
# Wheel: --wheel PATH, else $OQAT_TENSORFLOW_WHEEL, else the newest
# tensorflow_cpu / tensorflow wheel for this machine in pip's find-links
# folders ($PIP_FIND_LINKS, /opt/wheels, /opt/pypi/files). Needs python3, make
# and g++. Tested with tfjs-node 4.22.0 and tensorflow_cpu 2.21.0 (x86_64).
set -euo pipefail
cd "$(dirname "$0")/../.."

die() { echo "build-tfjs-node: $*" >&2; exit 1; }

WHEEL="${OQAT_TENSORFLOW_WHEEL:-}"
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --wheel) [ $# -ge 2 ] || die "--wheel needs a path"; WHEEL="$2"; shift 2 ;;
    --wheel=*) WHEEL="${1#--wheel=}"; shift ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (usage: build-tfjs-node.sh [--wheel PATH] [--force])" ;;
  esac
done

PKG=node_modules/@tensorflow/tfjs-node
VERSION="$(node -p "(require('./package-lock.json').packages['$PKG'] || {}).version || ''")"
[ -n "$VERSION" ] || die "package-lock.json does not pin @tensorflow/tfjs-node"

loads() {
  node -e "
    const tf = require('@tensorflow/tfjs-node');
    tf.setBackend('tensorflow').then((ok) => {
      if (!ok || tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0] !== 3) process.exit(1);
    });" >/dev/null 2>&1
}

installed_version() { node -p "try { require('./$PKG/package.json').version } catch { '' }"; }

if [ "$FORCE" = 0 ] && [ "$(installed_version)" = "$VERSION" ] && loads; then
  echo "build-tfjs-node: @tensorflow/tfjs-node $VERSION is installed and loads; nothing to do"
  exit 0
fi

# --- the wheel -----------------------------------------------------------------
if [ -z "$WHEEL" ]; then
  arch="$(uname -m)"
  dirs=()
  for d in ${PIP_FIND_LINKS:-} /opt/wheels /opt/pypi/files; do [ -d "$d" ] && dirs+=("$d"); done
  if [ ${#dirs[@]} -gt 0 ]; then
    WHEEL="$(find "${dirs[@]}" -maxdepth 1 \( -name "tensorflow_cpu-*-manylinux*_${arch}.whl" -o -name "tensorflow-*-manylinux*_${arch}.whl" \) 2>/dev/null | sort -V | tail -1)"
  fi
  [ -n "$WHEEL" ] || die "no TensorFlow wheel found (looked for tensorflow_cpu-*/tensorflow-*-manylinux*_${arch}.whl in ${dirs[*]:-no find-links folder}); pass --wheel PATH or set OQAT_TENSORFLOW_WHEEL"
fi
[ -f "$WHEEL" ] || die "wheel not found: $WHEEL"
for tool in python3 make g++; do command -v "$tool" >/dev/null || die "needs $tool to build the binding (Debian: apt-get install python3 make g++)"; done

# --- the package ---------------------------------------------------------------
if [ "$(installed_version)" != "$VERSION" ] || [ ! -d "$PKG/node_modules/@mapbox/node-pre-gyp" ]; then
  echo "build-tfjs-node: fetching @tensorflow/tfjs-node $VERSION (npm ci left it out: its install script could not download libtensorflow)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@tensorflow/tfjs-node@$VERSION" >/dev/null)
  tarball="$(ls "$tmp"/*.tgz)"
  node -e "
    const crypto = require('crypto'), fs = require('fs');
    const want = require('./package-lock.json').packages['$PKG'].integrity;
    const [algo] = want.split('-');
    const got = algo + '-' + crypto.createHash(algo).update(fs.readFileSync('$tarball')).digest('base64');
    if (got !== want) { console.error('build-tfjs-node: ' + '$tarball' + ' does not match the integrity package-lock.json records'); process.exit(1); }"
  mkdir -p "$tmp/pkg" "$tmp/deps"
  tar xzf "$tarball" -C "$tmp/pkg"
  # Its dependencies except @tensorflow/* (those resolve to the repo's own copies),
  # pinned to the versions the lock gives them.
  node -e "
    const lock = require('./package-lock.json').packages;
    const deps = require('$tmp/pkg/package/package.json').dependencies;
    const pinned = {};
    for (const [name, range] of Object.entries(deps)) {
      if (name.startsWith('@tensorflow/')) continue;
      const entry = lock['$PKG/node_modules/' + name] || lock['node_modules/' + name];
      pinned[name] = entry ? entry.version : range;
    }
    require('fs').writeFileSync('$tmp/deps/package.json', JSON.stringify({ private: true, dependencies: pinned }));"
  (cd "$tmp/deps" && npm install --silent --ignore-scripts --no-audit --no-fund --no-package-lock --omit=dev) \
    || die "could not install tfjs-node's dependencies (npm install in $tmp/deps failed)"
  rm -rf "$PKG"
  mkdir -p "$(dirname "$PKG")"
  mv "$tmp/pkg/package" "$PKG"
  mv "$tmp/deps/node_modules" "$PKG/node_modules"
fi

# --- libtensorflow from the wheel ------------------------------------------------
STAMP="$PKG/deps/.oqat-wheel"
stamp="$(basename "$WHEEL") $(stat -c %s "$WHEEL")"
if [ "$FORCE" = 1 ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$stamp" ]; then
  echo "build-tfjs-node: copying libtensorflow and its C headers from $(basename "$WHEEL")"
  rm -rf "$PKG/deps"
  mkdir -p "$PKG/deps/lib" "$PKG/deps/include"
  python3 - "$WHEEL" "$PKG/deps" <<'PY'
import os, shutil, sys, zipfile
wheel, deps = sys.argv[1], sys.argv[2]
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
# The headers tensorflow/c/c_api.h and tensorflow/c/eager/c_api.h include.
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
           'tensorflow/include/tsl/', 'tensorflow/include/xla/tsl/')
found = set()
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name.endswith('/'):
            continue
        if name in libs:
            target = os.path.join(deps, 'lib', os.path.basename(name))
            found.add(name)
        elif name.startswith(headers):
            target = os.path.join(deps, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
missing = libs - found
if missing or not os.path.exists(os.path.join(deps, 'include/tensorflow/c/eager/c_api.h')):
    sys.exit(f"build-tfjs-node: {wheel} holds no TensorFlow C library ({', '.join(sorted(missing)) or 'tensorflow/c/eager/c_api.h'} missing)")
PY
  (cd "$PKG/deps/lib" \
    && ln -sf libtensorflow_cc.so.2 libtensorflow.so.2 \
    && ln -sf libtensorflow_cc.so.2 libtensorflow.so \
    && ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so)
  echo "$stamp" > "$STAMP"
fi

# --- the binding ----------------------------------------------------------------
NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$NODE_GYP" ] || NODE_GYP="$(node -p "require.resolve('node-gyp/bin/node-gyp.js')" 2>/dev/null || true)"
[ -f "$NODE_GYP" ] || die "node-gyp not found (neither npm's bundled copy nor node_modules/node-gyp)"
# Where tfjs-node looks for its binding (node-pre-gyp picks the newest N-API version Node supports).
BINDING="$(cd "$PKG" && node -p "require('@mapbox/node-pre-gyp').find(require('path').resolve('package.json'))")"
NAPI="$(basename "$(dirname "$BINDING")")"
NAPI="${NAPI#napi-v}"
NODEDIR="$(npm config get nodedir 2>/dev/null || true)"
nodedir_args=()
if [ -n "$NODEDIR" ] && [ "$NODEDIR" != "undefined" ] && [ -f "$NODEDIR/include/node/node_api.h" ]; then nodedir_args=(--nodedir="$NODEDIR"); fi
echo "build-tfjs-node: compiling the binding (N-API $NAPI${nodedir_args:+, ${nodedir_args[0]}})"
log="$(mktemp)"
if ! (cd "$PKG" && node "$NODE_GYP" rebuild "${nodedir_args[@]}" --napi_build_version="$NAPI" \
      --module_name=tfjs_binding --module_path="$(dirname "$BINDING")" >"$log" 2>&1); then
  tail -20 "$log" >&2
  die "node-gyp could not build the binding (log above; full log: $log)"
fi
rm -f "$log"
loads || die "the binding built but @tensorflow/tfjs-node does not load (node -e \"require('@tensorflow/tfjs-node')\" shows why)"
echo "build-tfjs-node: @tensorflow/tfjs-node $VERSION built against $(basename "$WHEEL"); initEngine({ backend: 'tensorflow' }) can use it"
