#!/usr/bin/env bash
# Follows deploy/README.md from scratch in a clean temporary directory that stands in for the server's "/":
# installs the build there (cmake --install with DESTDIR), puts the config and secrets where the guide says,
# starts the installed program with the installed production config, checks the systemd units with
# systemd-analyze verify, runs nginx with the guide's site file in front of it (TLS with a throwaway
# certificate, high ports instead of 80/443), and lints the container file. Every check is also shown to
# fail on a broken copy, so none of them passes by accident.
#
#   tests/deploy/follow_guide.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
root=$(mktemp -d /tmp/approdo-deploy-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
step() { echo "== $*"; }
fail() { echo "deploy guide: FAILED: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Waits up to 10 s until curl, given these arguments (a URL and options), gets an answer.
wait_for() {
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$@" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

step "1. Build and install (cmake --install into $root)"
DESTDIR=$root cmake --install "$build" --prefix /usr/local >/dev/null
share=$root/usr/local/share/approdo
for f in usr/local/bin/approdo usr/local/share/approdo/content/menu.yaml usr/local/share/approdo/locales \
         usr/local/share/approdo/deploy/README.md usr/local/share/approdo/deploy/approdo.example.yaml \
         usr/local/share/approdo/deploy/approdo.env.example usr/local/share/approdo/deploy/nginx/approdo.conf \
         usr/local/share/approdo/deploy/systemd/approdo.service; do
  [ -e "$root/$f" ] || fail "the install does not put /$f where the guide says"
done
approdo=$root/usr/local/bin/approdo
"$approdo" lint --content "$share/content" --locales "$share/locales" >"$root/lint.out" 2>&1 ||
  fail "approdo lint of the installed knowledge base: $(tail -3 "$root/lint.out")"
grep -q ": error:" "$root/lint.out" && fail "the installed knowledge base has errors"

step "2. A config and the secrets"
install -d -m 0755 "$root/etc/approdo"
install -m 0644 "$share/deploy/approdo.example.yaml" "$root/etc/approdo/approdo.yaml"
install -m 0600 "$share/deploy/approdo.env.example" "$root/etc/approdo/approdo.env"
sed -i 's|^public_url: .*|public_url: https://bot.example.org|' "$root/etc/approdo/approdo.yaml"
sed -i "s|^APPRODO_TELEGRAM_BOT_TOKEN=.*|APPRODO_TELEGRAM_BOT_TOKEN=123456789:AAtest|; \
        s|^APPRODO_TELEGRAM_SECRET_TOKEN=.*|APPRODO_TELEGRAM_SECRET_TOKEN=$(openssl rand -hex 32)|" \
  "$root/etc/approdo/approdo.env"
[ "$(stat -c %a "$root/etc/approdo/approdo.env")" = 600 ] || fail "approdo.env is not 0600"

step "3. The service: the installed program with the installed config"
# The unit's paths (/var/lib/approdo, /usr/local/share/approdo) live under $root here; the environment
# overrides them exactly as approdo.env overrides keys on a server.
port=$(free_port)
install -d -m 0700 "$root/var/lib/approdo"
(
  set -a
  # shellcheck disable=SC1091
  . "$root/etc/approdo/approdo.env"
  set +a
  cd "$root/var/lib/approdo"
  exec env APPRODO_DATA_DIR="$root/var/lib/approdo" APPRODO_CONTENT_DIR="$share/content" \
    APPRODO_LOCALES_DIR="$share/locales" APPRODO_LISTEN_PORT="$port" \
    "$approdo" serve --config "$root/etc/approdo/approdo.yaml"
) >"$root/serve.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz" || fail "approdo serve did not come up: $(tail -5 "$root/serve.log")"
# Read whole, then searched: `curl | grep -q` under pipefail fails when grep stops reading before curl ends.
health=$(curl -fsS "http://127.0.0.1:$port/healthz") || fail "/healthz did not answer"
grep -q '"status":"ok"' <<<"$health" || fail "/healthz is not ok"
[ "$(stat -c %a "$root/var/lib/approdo/approdo.key")" = 600 ] || fail "the first start did not create a 0600 key file"
grep -q "approdo.key" "$root/serve.log" || fail "the first start did not say it created the key file"

step "3b. systemd-analyze verify of the units, installed under $root/etc/systemd/system"
install -d "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/bin" "$root/usr/bin"
cp "$share"/deploy/systemd/approdo*.service "$share"/deploy/systemd/approdo-backup.timer "$root/etc/systemd/system/"
# verify --root resolves units and ExecStart= programs inside the root: give it the system's units and the
# programs the units call, as a server has them.
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp /bin/kill /bin/sh "$root/bin/"
cp /usr/bin/install /usr/bin/find "$root/usr/bin/"
units=(/etc/systemd/system/approdo.service /etc/systemd/system/approdo-backup.service
       /etc/systemd/system/approdo-backup.timer)
verify() { SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no --root="$root" "${units[@]}" 2>&1; }
out=$(verify) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
cp "$root/etc/systemd/system/approdo.service" "$root/unit.good"
sed -i 's/^ProtectSystem=strict/ProtectSystm=strict/' "$root/etc/systemd/system/approdo.service"
[ -n "$(verify)" ] || fail "systemd-analyze verify did not notice a misspelt key: the check cannot fail"
cp "$root/unit.good" "$root/etc/systemd/system/approdo.service"

step "4. TLS and the reverse proxy: nginx with deploy/nginx/approdo.conf"
http_port=$(free_port)
tls_port=$(free_port)
install -d "$root/nginx/logs" "$root/nginx/tmp" "$root/etc/letsencrypt/live/bot.example.org"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=bot.example.org \
  -keyout "$root/etc/letsencrypt/live/bot.example.org/privkey.pem" \
  -out "$root/etc/letsencrypt/live/bot.example.org/fullchain.pem" >/dev/null 2>&1
# The guide's file with only what a test machine must change: ports, the IPv6 listens, certificate paths.
sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|; s|listen 443 ssl http2;|listen 127.0.0.1:$tls_port ssl http2;|" \
    -e '/listen \[::\]/d' -e "s|/etc/letsencrypt|$root/etc/letsencrypt|" \
    -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$port;|" "$share/deploy/nginx/approdo.conf" >"$root/nginx/site.conf"
cat >"$root/nginx/nginx.conf" <<EOF
pid $root/nginx/nginx.pid;
error_log $root/nginx/logs/error.log;
events { worker_connections 64; }
http {
  client_body_temp_path $root/nginx/tmp/body; proxy_temp_path $root/nginx/tmp/proxy;
  fastcgi_temp_path $root/nginx/tmp/fastcgi; uwsgi_temp_path $root/nginx/tmp/uwsgi; scgi_temp_path $root/nginx/tmp/scgi;
  include $root/nginx/site.conf;
}
EOF
nginx -t -q -p "$root/nginx" -e "$root/nginx/logs/error.log" -c "$root/nginx/nginx.conf" ||
  fail "nginx -t refuses the site file"
nginx -p "$root/nginx" -e "$root/nginx/logs/error.log" -c "$root/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
tls=(--cacert "$root/etc/letsencrypt/live/bot.example.org/fullchain.pem"
     --resolve "bot.example.org:$tls_port:127.0.0.1" --resolve "bot.example.org:$http_port:127.0.0.1")
base=https://bot.example.org:$tls_port
wait_for "${tls[@]}" "$base/console/" || fail "nginx did not serve the console over TLS: $(tail -3 "$root/nginx/logs/error.log")"
status() { curl -s -o /dev/null -w '%{http_code}' "${tls[@]}" "$@"; }
[ "$(status "$base/console/")" = 200 ] || fail "/console/ through the proxy"
page=$(curl -s "${tls[@]}" "$base/console/") || fail "/console/ through the proxy did not answer"
grep -qi "<html" <<<"$page" || fail "/console/ through the proxy is not the console"
# A Telegram update without the secret token reaches Approdo, which refuses it (401): the path gets through.
got=$(status -X POST -H 'Content-Type: application/json' -d '{}' "$base/webhooks/telegram")
[ "$got" = 401 ] || fail "/webhooks/telegram does not reach Approdo (HTTP $got, Approdo refuses an update without the secret token with 401)"
[ "$(status "$base/healthz")" = 404 ] || fail "/healthz is reachable from outside"
[ "$(status "$base/metrics")" = 404 ] || fail "/metrics is reachable from outside"
[ "$(status "http://bot.example.org:$http_port/console/")" = 301 ] || fail "plain HTTP does not move to https"
headers=$(curl -sI "${tls[@]}" "$base/console/") || fail "/console/ headers through the proxy did not answer"
grep -qi "^strict-transport-security:" <<<"$headers" || fail "no HSTS header"

step "5. The container file: dockerfile-utils lint and the project's rules"
linter=$src/tests/deploy/node_modules/.bin/dockerfile-utils
out=$("$linter" lint "$src/deploy/Dockerfile" 2>&1) || fail "dockerfile-utils: $out"
[ -z "$out" ] || fail "dockerfile-utils: $out"
printf 'FROM debian:bookworm-slim\nRUNN true\n' >"$root/Dockerfile.bad"
"$linter" lint "$root/Dockerfile.bad" >/dev/null 2>&1 && fail "dockerfile-utils accepted an unknown instruction"
python3 "$src/tests/deploy/lint_dockerfile.py" "$src/deploy/Dockerfile" --binary "$approdo" --context "$src" ||
  fail "deploy/Dockerfile breaks the project's rules (above)"
sed -e '/^USER /d' "$src/deploy/Dockerfile" >"$root/Dockerfile.root"
python3 "$src/tests/deploy/lint_dockerfile.py" "$root/Dockerfile.root" --context "$src" >/dev/null &&
  fail "the Dockerfile rules accepted an image that runs as root"

kill -TERM "${pids[0]}"
wait "${pids[0]}" || fail "approdo did not stop cleanly on SIGTERM: $(tail -3 "$root/serve.log")"
pids=("${pids[@]:1}")
if grep -aE "123456789:AAtest" "$root/serve.log" >/dev/null; then fail "the bot token is in the log"; fi
echo "deploy guide: followed from scratch in $root — every step passed"
