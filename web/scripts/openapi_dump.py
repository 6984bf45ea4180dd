"""Print the gateway's OpenAPI document, generated from its routing table (no server needed).

    PYTHONPATH=services .venv/bin/python web/scripts/openapi_dump.py > web/openapi.json

The web front's API types (web/src/api/schema.d.ts) are generated from this file with
openapi-typescript; `npm run check:api` fails when either is stale.
"""

from __future__ import annotations

import json
import sys

from gateway import openapi
from gateway.api import build_registry


def main() -> int:
    document = openapi.document(build_registry())
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
