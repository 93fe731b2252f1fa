#!/usr/bin/env bash
# Installs bokeh-client the way `npm install git+<url>` does (npm clones the repository,
# installs its dev dependencies, runs `prepare`, which builds dist/, and packs it), from this
# checkout's committed HEAD, into a fresh project; then imports it and runs the command.
# Not part of npm test (it takes a minute: every dev dependency is installed in the clone).
#   npm run check:git-install
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo '{ "name": "git-consumer", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "git+file://$repo#$(git -C "$repo" rev-parse HEAD)"
test -f node_modules/bokeh-client/dist/index.js || { echo "dist/ was not built on install" >&2; exit 1; }
node --input-type=module -e 'import { pullSession } from "bokeh-client"; import { BokehServer } from "bokeh-client/server"; if (typeof pullSession !== "function" || typeof BokehServer.start !== "function") process.exit(1);'
npx --no-install bokeh-client --version
echo "git install: ok"
