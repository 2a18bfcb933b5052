"""HTTP for connectors: the standard library, a timeout, a size cap and errors that say why.

Only http and https addresses are opened. A response larger than ``MAX_BYTES`` is refused
rather than truncated, so a half-read feed never passes for a whole one.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from accord.listening.sources.base import ConnectorError

TIMEOUT_SECONDS = 10.0
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Accord-Listening/1.0 (+https://accord.example.org)"


def with_query(url: str, params: Mapping[str, Any]) -> str:
    """Add the non-empty ``params`` to ``url`` as a query string."""
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urllib.parse.urlencode(kept)}" if kept else url


def request_bytes(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: bytes | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> bytes:
    """GET (or POST ``data``) ``url`` and return the body; raise ConnectorError on any failure.

    ``timeout`` and ``max_bytes`` default to the module's TIMEOUT_SECONDS and MAX_BYTES.
    """
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in {"http", "https"}:
        raise ConnectorError(f"refusing to open {scheme or 'a relative'} address {url[:80]}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise ConnectorError(f"HTTP {exc.code} from {host}: {_detail(exc)}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise ConnectorError(f"{host} did not answer within {timeout:g} s") from None
        raise ConnectorError(f"cannot reach {host}: {reason}") from None
    if len(body) > max_bytes:
        raise ConnectorError(f"{host} sent more than {max_bytes} bytes")
    return body


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(300).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or str(exc.reason)


def request_json(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    payload: Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> Any:
    """GET ``url`` (or POST ``payload`` as JSON) and decode the JSON answer."""
    all_headers = {"Accept": "application/json", **(headers or {})}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        all_headers["Content-Type"] = "application/json"
    body = request_bytes(url, headers=all_headers, data=data, timeout=timeout)
    try:
        return json.loads(body)
    except ValueError:
        host = urllib.parse.urlsplit(url).netloc
        raise ConnectorError(f"{host} did not answer JSON") from None
