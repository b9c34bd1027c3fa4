#!/bin/sh
# Build the image and smoke-run it where a Docker engine exists (CI without Docker runs
# tests/test_container.py instead, which installs the same way into a fresh venv).
#   scripts/docker-smoke.sh            build pantau-ham:smoke, check user, files, migrations and health
set -eu
cd "$(dirname "$0")/.."
command -v docker >/dev/null || { echo "docker is not installed here" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "no Docker engine answers" >&2; exit 2; }
image=pantau-ham:smoke
docker build -t "$image" .

echo "== runs as a non-root user"
[ "$(docker run --rm --entrypoint id "$image" -u)" != "0" ]
echo "== .env, var/ and tests are not in the image"
docker run --rm --entrypoint sh "$image" -c 'test ! -e /app/.env && test -z "$(ls -A /app/var)" && test ! -e /app/tests'
echo "== migrations and the database file in the volume, mode 0600"
vol=pantau-smoke-$$
docker volume create "$vol" >/dev/null
trap 'docker rm -f pantau-smoke-$$ >/dev/null 2>&1 || true; docker volume rm "$vol" >/dev/null 2>&1 || true' EXIT
docker run --rm -v "$vol:/app/var" "$image" db upgrade
docker run --rm -v "$vol:/app/var" --entrypoint sh "$image" -c 'test "$(stat -c %a /app/var/pantau-ham.db)" = 600'
echo "== without a token, run says so and exits 2"
set +e; docker run --rm -v "$vol:/app/var" "$image" run; code=$?; set -e
[ "$code" = 2 ]
echo "== health answers from the database"
docker run --rm -v "$vol:/app/var" -e PANTAU_HEALTH_PORT= "$image" health
echo "== stops within 10 s on SIGTERM (Telegram unreachable)"
docker run -d --name pantau-smoke-$$ -v "$vol:/app/var" -e TELEGRAM_BOT_TOKEN=123:smoke \
    -e TELEGRAM_API_BASE_URL=http://127.0.0.1:9/bot "$image" run >/dev/null
sleep 5
start=$(date +%s); docker stop -t 10 pantau-smoke-$$ >/dev/null; took=$(( $(date +%s) - start ))
[ "$took" -lt 10 ] || { echo "took ${took}s to stop" >&2; exit 1; }
echo "smoke test passed"
