"""Static files in development are served as in production (by WhiteNoise), and a path out of them is not found."""

from __future__ import annotations

from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import get_commands, load_command_class


def _status(app: Any, path: str) -> str:
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    # runserver hands Django the path already percent-decoded: /static/%2e%2e/ arrives as /static/../
    environ["PATH_INFO"] = path
    statuses: list[str] = []
    body = app(environ, lambda status, headers, *exc: statuses.append(status))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return statuses[0]


@pytest.fixture
def development_server(settings: Any, monkeypatch: pytest.MonkeyPatch, db: None) -> Any:
    """The WSGI application `manage.py runserver` serves with DEBUG on, built fresh under those settings."""
    settings.DEBUG = True
    monkeypatch.setattr("django.core.management.commands.runserver.get_internal_wsgi_application", WSGIHandler)
    command: Any = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
    return command.get_handler(**options)


@pytest.mark.parametrize(
    "path",
    ["/static/../pyproject.toml", "/static/../../etc/passwd", "/static/..", "/static/dist/../../manage.py"],
)
def test_a_static_path_that_climbs_out_of_the_static_folder_is_not_found_in_development(
    development_server: Any, path: str
) -> None:
    assert _status(development_server, path).startswith("404")


def test_development_serves_static_files_through_whitenoise_not_djangos_handler(development_server: Any) -> None:
    assert not isinstance(development_server, StaticFilesHandler)
    assert _status(development_server, "/static/dist/kinfolk.css").startswith("200")
