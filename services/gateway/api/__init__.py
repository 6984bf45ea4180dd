"""The HTTP API, one module per area; each ``register``s its routes."""

from __future__ import annotations

from gateway.api import (
    accounts,
    applications,
    assessment,
    enterprises,
    final,
    inbox,
    lookups,
    operating_reports,
    operations,
    password_reset,
    privacy,
    programmes,
    recognitions,
    reports,
    reserve,
    reviews,
    statistics,
)
from gateway.routes import Registry

MODULES = (accounts, password_reset, enterprises, privacy, lookups, applications, programmes, reviews, final, reports, inbox,
           statistics, operations, assessment, reserve, recognitions, operating_reports)


def build_registry() -> Registry:
    registry = Registry()
    for module in MODULES:
        module.register(registry)
    return registry
