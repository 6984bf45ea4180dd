"""The service processes of the suite and their default ports (no side effects on import)."""

from __future__ import annotations

import os

# service name -> "module:Class" of its Nameko service
SERVICES = {
    "registration": "registration.service:RegistrationService",
    "review": "review.service:ReviewService",
    "notification": "notification.service:NotificationService",
    "reporting": "reporting.service:ReportingService",
}
GRPC_PORTS = {"registration": 50051, "review": 50052, "notification": 50053, "reporting": 50054}
METRICS_PORTS = {"registration": 9451, "review": 9452, "notification": 9453, "reporting": 9454}
GATEWAY_HTTP_PORT = 8080


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
