"""HTTP calls to the inbox webhook as a SIEM makes them: urllib, no proxy, a bearer token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy


def send(request: urllib.request.Request) -> tuple[int, dict]:
    """(status, JSON body); error answers also carry their headers under "_headers"."""
    try:
        with _OPENER.open(request, timeout=20) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {**json.loads(exc.read() or b"{}"), "_headers": dict(exc.headers)}


def post_bytes(
    url: str, body: bytes, *, token: str | None, content_type: str = "application/json", headers: dict | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type, **(headers or {})}
    )
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    return send(request)


def post_json(url: str, document: dict, token: str) -> tuple[int, dict]:
    return post_bytes(url, json.dumps(document).encode(), token=token)


def get_json(url: str, token: str) -> tuple[int, dict]:
    return send(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}))
