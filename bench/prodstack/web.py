"""A user's browser, reduced to what the check needs: cookies, forms, the TLS proxy's header.

Requests go to the gunicorns in turn (sessions live in the shared database, as
behind a load balancer). Each carries `X-Forwarded-Proto: https`, as the proxy
in docs/deploy.md sets it, so Kinfolk runs with its production security
settings (secure cookies, CSRF origin checks) unchanged.
"""

from __future__ import annotations

import html
import http.client
import itertools
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageError(RuntimeError):
    pass


class Browser:
    def __init__(self, ports: list[int]) -> None:
        self.ports = itertools.cycle(ports)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """One request, redirects not followed: (status, Location, body)."""
        port = next(self.ports)
        headers = {
            "Host": f"127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{port}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, urlsplit(response.headers.get("Location", "")).path, text
        finally:
            connection.close()

    def get(self, path: str) -> str:
        status, location, text = self.request("GET", path)
        if status != 200:
            raise PageError(f"GET {path} answered {status} {location}")
        return text

    def submit(self, path: str, form: dict[str, str]) -> str:
        """GET the form's page, POST it with the page's CSRF token; returns where it redirected."""
        page = self.get(path)
        token = CSRF_FIELD.search(page)
        if token is None:
            raise PageError(f"No CSRF token on {path}")
        status, location, text = self.request("POST", path, {**form, "csrfmiddlewaretoken": html.unescape(token[1])})
        if status != 302:
            errors = re.findall(r'class="govuk-error-message">(.*?)</', text, re.S)
            raise PageError(f"POST {path} answered {status}: {[re.sub(r'<[^>]+>', '', e).strip() for e in errors]}")
        return location
