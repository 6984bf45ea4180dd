"""The gateway's WSGI application: HTTP/JSON in front of the services' gRPC APIs.

This first version serves health and the OpenAPI document; the gateway issue adds
sign-in, roles and every endpoint people use.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from zjtx.health import grpc_serving

UPSTREAMS = ("registration", "review", "notification", "reporting")


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "ZJTX 专精特新企业培育申报平台 API", "version": "1"},
        "paths": {
            "/healthz": {"get": {"summary": "Health of the gateway and every service it calls",
                                 "responses": {"200": {"description": "all serving"},
                                               "503": {"description": "some service not serving"}}}},
        },
    }


class Gateway:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.urls = Map([Rule("/healthz", endpoint="health"), Rule("/openapi.json", endpoint="openapi")])

    def target(self, service: str) -> str:
        return str(self.config[f"{service.upper()}_TARGET"])

    def on_health(self, request: Request) -> Response:
        services = {name: "SERVING" if grpc_serving(self.target(name)) else "NOT_SERVING" for name in UPSTREAMS}
        ok = all(state == "SERVING" for state in services.values())
        return json_response({"status": "ok" if ok else "degraded", "services": services}, 200 if ok else 503)

    def on_openapi(self, request: Request) -> Response:
        return json_response(openapi_document())

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            endpoint, values = self.urls.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request, **values)
        except NotFound:
            response = json_response({"code": "not_found", "message": "请求的地址不存在"}, 404)
        except HTTPException as exc:
            response = json_response({"code": "http_error", "message": exc.description}, exc.code or 500)
        return response(environ, start_response)
