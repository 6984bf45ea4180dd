"""Each route's body limit, from the routing table: the edge refuses a larger body from its
Content-Length before reading it (gateway/edge.py), the application checks again while it
reads, and the OpenAPI document states it (``x-max-body-bytes``).

- a JSON body: the route's own ``body_limit`` or ``JSON_BODY_LIMIT_BYTES`` (64 KiB);
- an upload: ``UPLOAD_LIMIT_BYTES``, the largest attachment a programme accepts (20 MiB);
  the programme's own per-kind limit applies on top of it;
- a route without a body, and an address that is no route: ``NO_BODY_LIMIT_BYTES``.
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from gateway.routes import Registry, Route

DEFAULT_JSON_LIMIT = 65536
DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024
NO_BODY_LIMIT = 1024


class BodyLimits:
    def __init__(self, registry: Registry, config: dict[str, Any]) -> None:
        self.json_default = int(config.get("JSON_BODY_LIMIT_BYTES") or DEFAULT_JSON_LIMIT)
        self.upload = int(config.get("UPLOAD_LIMIT_BYTES") or DEFAULT_UPLOAD_LIMIT)
        self.no_body = int(config.get("NO_BODY_LIMIT_BYTES") or NO_BODY_LIMIT)
        self.by_operation = {route.operation_id: self.of(route) for route in registry}
        self._urls = Map([Rule(r.werkzeug_rule, endpoint=r.operation_id, methods=[r.method]) for r in registry],
                         strict_slashes=False, merge_slashes=False)

    def of(self, route: Route) -> int:
        if route.upload is not None:
            return self.upload
        if route.body is not None:
            return route.body_limit or self.json_default
        return self.no_body

    def for_request(self, method: str, path: str) -> int:
        """The limit of the route a request line names (the edge calls this per request)."""
        try:
            endpoint, _ = self._urls.bind("gateway").match(path, method=method.upper())
        except HTTPException:
            return self.no_body
        except Exception:  # a path werkzeug cannot even route: no body for it either
            return self.no_body
        return self.by_operation.get(str(endpoint), self.no_body)

    @property
    def largest(self) -> int:
        return max([self.no_body, *self.by_operation.values()])
