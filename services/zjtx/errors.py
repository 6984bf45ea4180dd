"""Domain errors: a stable machine code, a Chinese message for people, every problem named.

Rules raise these; entrypoints turn them into gRPC statuses (``zjtx.grpc_support``) and
the gateway into HTTP problems. Plain Python: no Nameko, no pymongo.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Violation:
    """One problem with one input: ``field`` is a dotted path (``sections.economy.revenue``)."""

    field: str
    code: str
    message: str


@dataclass
class DomainError(Exception):
    code: str
    message: str
    violations: list[Violation] = field(default_factory=list)
    kind: str = "invalid"  # invalid | not_found | conflict | precondition | forbidden | unauthenticated

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.violations:
            return f"{self.code}: {self.message}"
        listed = "; ".join(f"{v.field}: {v.message}" for v in self.violations)
        return f"{self.code}: {self.message} ({listed})"


def invalid(code: str, message: str, violations: list[Violation] | None = None) -> DomainError:
    return DomainError(code, message, list(violations or []), "invalid")


def not_found(code: str, message: str) -> DomainError:
    return DomainError(code, message, [], "not_found")


def conflict(code: str, message: str) -> DomainError:
    return DomainError(code, message, [], "conflict")


def precondition(code: str, message: str, violations: list[Violation] | None = None) -> DomainError:
    return DomainError(code, message, list(violations or []), "precondition")


def forbidden(code: str, message: str) -> DomainError:
    return DomainError(code, message, [], "forbidden")


def unauthenticated(code: str, message: str) -> DomainError:
    return DomainError(code, message, [], "unauthenticated")


def already_exists(code: str, message: str) -> DomainError:
    return DomainError(code, message, [], "already_exists")
