"""HTTP with the retry rules every harvester shares.

Timeouts, connection errors, 429 and 5xx are retried with exponential backoff;
503/429 honour Retry-After up to a bound (a hostile server cannot park us for a
day). Redirect loops and other 4xx fail at once: retrying cannot mend them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests

from harvesters.errors import HarvestFailed

USER_AGENT = "thuvien-harvester/0.1 (+https://github.com/thuvien)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    timeout: float = 30
    max_retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 120


def request_with_retries(
    session: requests.Session,
    method: str,
    url: str,
    policy: RetryPolicy,
    *,
    params: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    stream: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """Send one request, retrying what retrying can mend; raise HarvestFailed otherwise."""
    last = ""
    for attempt in range(policy.max_retries + 1):
        try:
            response = session.request(
                method,
                url,
                params=params,
                data=data,
                headers={"User-Agent": USER_AGENT, **(headers or {})},
                timeout=policy.timeout,
                stream=stream,
            )
        except requests.TooManyRedirects as exc:
            raise HarvestFailed(f"redirect loop at {url}: {exc}") from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            last = f"{type(exc).__name__}: {exc}"
            wait = policy.backoff * 2**attempt
        else:
            if response.status_code not in RETRY_STATUSES:
                if response.status_code >= 400:
                    raise HarvestFailed(f"HTTP {response.status_code} from {response.url}")
                return response
            last = f"HTTP {response.status_code} from {response.url}"
            wait = _retry_after(response, policy.backoff * 2**attempt)
            response.close()
        if attempt < policy.max_retries:
            sleep(min(wait, policy.max_retry_after))
    raise HarvestFailed(f"gave up after {policy.max_retries + 1} attempts: {last}")


def _retry_after(response: requests.Response, default: float) -> float:
    """Seconds the server asked us to wait (delta-seconds or an HTTP date), else the default."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return default
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def new_session(max_redirects: int = 10) -> requests.Session:
    session = requests.Session()
    session.max_redirects = max_redirects
    return session
