"""PostgreSQL, counting every cursor Django opens into a file (one byte each): how the tests
see how many queries a request of the ASGI server made."""

import os

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        path = os.environ.get("LIVE_TEST_QUERY_LOG")
        if path:
            with open(path, "ab") as log:
                log.write(b".")
        return super().create_cursor(name)
