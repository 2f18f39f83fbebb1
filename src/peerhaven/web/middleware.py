from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse


class OutOfRangeIdMiddleware:
    """An id too large for the database column is simply not found: 404, not 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_out_of_range(exception):
            raise Http404 from exception
        return None


def is_out_of_range(exception: BaseException) -> bool:
    """SQLite raises OverflowError, PostgreSQL a DataError ("out of range") for huge ids."""
    if isinstance(exception, OverflowError):
        return True
    return isinstance(exception, DataError) and "out of range" in str(exception)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
