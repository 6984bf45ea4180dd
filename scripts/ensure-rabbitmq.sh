#!/usr/bin/env bash
# Make sure the local RabbitMQ runs with the management API (the tests create a
# throw-away vhost per session through it). Prints what it does; exits non-zero with
# the fix when it cannot.
set -euo pipefail
api="${RABBIT_MANAGEMENT_URI:-http://guest:guest@127.0.0.1:15672}"

running() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
api_up() { python3 - "$api" <<'PY' >/dev/null 2>&1
import sys, urllib.request, base64
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
req = urllib.request.Request(f"{u.scheme}://{u.hostname}:{u.port}/api/overview")
req.add_header("Authorization", "Basic " + base64.b64encode(f"{u.username}:{u.password}".encode()).decode())
urllib.request.urlopen(req, timeout=3)
PY
}

if ! running; then
  if command -v rabbitmq-server >/dev/null; then
    echo "RabbitMQ is not running on 127.0.0.1:5672; starting it (rabbitmq-server -detached)"
    rabbitmq-server -detached
    for _ in $(seq 1 60); do running && break; sleep 1; done
  fi
  running || { echo "RabbitMQ is not reachable on 127.0.0.1:5672 and could not be started; install and start it (rabbitmq-server -detached)" >&2; exit 2; }
fi
if ! api_up; then
  if command -v rabbitmq-plugins >/dev/null; then
    echo "enabling the RabbitMQ management plugin (the tests use its API)"
    rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null
    for _ in $(seq 1 60); do api_up && break; sleep 1; done
  fi
  api_up || { echo "RabbitMQ management API not reachable at ${api#*@}; run: rabbitmq-plugins enable rabbitmq_management" >&2; exit 2; }
fi
