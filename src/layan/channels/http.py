"""The one HTTP client every provider uses for its API calls (send a message, download a photo).

Every call has the timeout ``settings.LAYAN_CHANNEL_HTTP_TIMEOUT`` and Layan's User-Agent, and every failure
becomes a :class:`~layan.channels.contract.SendError` that says whether trying again can help: connection errors,
timeouts, 5xx and 429 are worth a retry, any other 4xx is not (the request itself is wrong: bad token, unknown
recipient). The client never retries by itself: the worker does (``layan.channels.outbound.send``), with backoff,
so a slow provider never holds a web request or a worker thread in a loop.
"""

import requests
from django.conf import settings

from .contract import SendError

BODY_EXCERPT = 300


def user_agent() -> str:
    return f"{settings.LAYAN_SITE_NAME} (Layan channels)"


def session() -> requests.Session:
    """A session with Layan's User-Agent; use it through :func:`request` so timeouts and errors are uniform."""
    s = requests.Session()
    s.headers["User-Agent"] = user_agent()
    return s


def timeout() -> float:
    return float(getattr(settings, "LAYAN_CHANNEL_HTTP_TIMEOUT", 10.0))


def request(method: str, url: str, *, http: requests.Session | None = None, **kwargs) -> requests.Response:
    """Make one call; return the response when its status is 2xx/3xx, else raise SendError."""
    kwargs.setdefault("timeout", timeout())
    client = http or session()
    try:
        response = client.request(method, url, **kwargs)
    except requests.Timeout as exc:
        raise SendError(f"timeout after {kwargs['timeout']}s: {method} {url}", retry=True) from exc
    except requests.RequestException as exc:
        raise SendError(f"connection error: {method} {url}: {exc}", retry=True) from exc
    finally:
        if http is None:
            client.close()
    check(response)
    return response


def check(response: requests.Response) -> None:
    """Raise SendError for a status that is not a success; 5xx and 429 are retried, other 4xx are not."""
    status = response.status_code
    if status < 400:
        return
    retry = status >= 500 or status == 429
    excerpt = (response.text or "")[:BODY_EXCERPT]
    raise SendError(f"HTTP {status} from {response.url}: {excerpt}", retry=retry, status=status, response=response)


def post_json(url: str, payload, *, headers: dict | None = None, **kwargs) -> requests.Response:
    return request("POST", url, json=payload, headers=headers, **kwargs)


def post_form(url: str, data: dict, *, headers: dict | None = None, **kwargs) -> requests.Response:
    return request("POST", url, data=data, headers=headers, **kwargs)


def get(url: str, *, params: dict | None = None, headers: dict | None = None, **kwargs) -> requests.Response:
    return request("GET", url, params=params, headers=headers, **kwargs)


def json_of(response: requests.Response) -> dict:
    """The response's JSON body, or SendError (no retry) when a provider answered 2xx with something else."""
    try:
        data = response.json()
    except ValueError as exc:
        raise SendError(f"HTTP {response.status_code}: not JSON: {response.text[:BODY_EXCERPT]}", retry=False) from exc
    return data if isinstance(data, dict) else {"result": data}
