"""Shared pieces of the fuzz pass: bounded Hypothesis settings and an in-process WSGI app.

The fuzz tests run inside pytest-django's per-test transaction (the `db` fixture): the
catalogue seeded by migration 0002_catalogue is there, and every row a fuzzed request
writes is rolled back when the test ends.
"""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

# Bounded and derandomized: the same examples on every run, so CI is stable and fast. No
# shrinking: a failure is reported as found (the failure message names what was sent);
# add Phase.shrink locally to make it smaller.
FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

# What a traceback page or an unhandled error leaks into a body.
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "Exception Value:", "Request Method:")


class InProcessWSGI:
    """Django's WSGI handler, run the way django.test.Client runs it.

    Django closes the database connection at the start and end of every request; inside
    a test that is the connection holding the test's transaction, so (like the test
    client) the handler runs with those signal receivers unhooked. Unhandled exceptions
    are kept, so a 500 comes with its traceback in the test's failure message.
    """

    def __init__(self):
        self.handler = WSGIHandler()
        self.exceptions: list[BaseException] = []

    def _record(self, sender, request=None, **kwargs):
        import sys

        exc = sys.exc_info()[1]
        if exc is not None:
            self.exceptions.append(exc)

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        got_request_exception.connect(self._record)
        # Schemathesis asks for gzip but its WSGI transport does not unpack it.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        try:
            result = self.handler(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            got_request_exception.disconnect(self._record)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


@pytest.fixture
def world(db):
    """The branch, staff and claims the form fuzz posts to (each made on first use)."""
    from .world import World

    return World()
