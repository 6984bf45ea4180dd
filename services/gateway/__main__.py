"""``python -m gateway``: serve the gateway over HTTP."""

from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from gateway.app import Gateway
from zjtx.config import ConfigError, load_config
from zjtx.logs import setup_logging


def main() -> None:
    try:
        config = load_config("gateway")
    except ConfigError as exc:
        print(f"zjtx: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    setup_logging("gateway", str(config.get("LOG_LEVEL") or "INFO"))
    print(f"zjtx: gateway ready (HTTP {config['HTTP_HOST']}:{config['HTTP_PORT']})", file=sys.stderr, flush=True)
    run_simple(config["HTTP_HOST"], int(config["HTTP_PORT"]), Gateway(config), threaded=True)


if __name__ == "__main__":
    main()
