#!/usr/bin/env bash
# Installs what Mentoring Mesh needs on a Debian machine, then the Python workspace from uv.lock.
# Idempotent: installs only what is missing. Used by `make run`, and by `make test` with --with-browser.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)   # Kafka 4 needs Java 17+
command -v mvn >/dev/null 2>&1 || missing+=(maven)                      # fetches Kafka's jars
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)  # the web app's design system and htmx come from npm
if [ "${1:-}" = "--with-browser" ]; then  # the tests look at the API docs pages in a real browser
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v go >/dev/null 2>&1 || missing+=(golang-go)     # builds kustomize and kubeconform for the manifest checks
fi
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -m uv --version >/dev/null 2>&1; then
  echo "setup: installing uv"
  python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
export UV_PYTHON="${UV_PYTHON:-python3.11}" UV_PYTHON_DOWNLOADS=never
python3 -m uv sync --all-packages --frozen --quiet
# The web app's front-end packages (USWDS, htmx; axe-core for the browser tests), exactly as locked.
lock=clients/web/package-lock.json stamp=clients/web/node_modules/.installed-lock
if ! cmp -s "$lock" "$stamp" 2>/dev/null; then
  (cd clients/web && npm ci --silent --no-audit --no-fund) && cp "$lock" "$stamp"
fi
echo "setup: workspace ready in .venv ($(.venv/bin/python --version))"
