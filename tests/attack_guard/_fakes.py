"""Test doubles shared by the attack-guard tests: an STS that always succeeds and
an endpoint nothing listens on (a call the guard lets through fails to connect,
one it refuses raises ``AccessDenied`` before anything is sent)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

DEAD_ENDPOINT = "http://127.0.0.1:9"
ACCOUNT = "111122223333"
DOCS = "saas-documents-111122223333"
REPORTS = "saas-reports-111122223333"


class OkSts:
    """``assume_role`` always succeeds with fresh, numbered credentials."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        with self._lock:
            self.calls.append(kwargs)
            n = len(self.calls)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{n:016d}",
                "SecretAccessKey": "secret",
                "SessionToken": f"token-{kwargs['RoleSessionName']}",
                "Expiration": datetime.now(UTC) + timedelta(hours=1),
            }
        }


def dead_client(session: Any, service: str) -> Any:
    """A client of ``session`` that sends to an endpoint nothing listens on."""
    from botocore.config import Config

    return session.client(
        service,
        endpoint_url=DEAD_ENDPOINT,
        region_name="eu-west-1",
        config=Config(retries={"max_attempts": 0}, connect_timeout=0.2, read_timeout=0.2),
    )


def outcome(call: Any) -> str:
    """``denied`` (the guard refused: AccessDenied), ``sent`` (it reached the
    network: the dead endpoint), or the exception's class name."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    try:
        call()
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        return "denied" if code == "AccessDenied" else f"ClientError:{code}"
    except EndpointConnectionError:
        return "sent"
    except Exception as exc:
        return type(exc).__name__
    return "returned"
