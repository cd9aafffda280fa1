"""Loaded by the schemathesis CLI (``SCHEMATHESIS_HOOKS``) in ``test_schemathesis.py``: imports what
schemathesis would otherwise import lazily from its worker threads (anyio, through its ASGI transport), where
CPython 3.11 failed with "AST constructor recursion depth mismatch" and the run counted it as an error of ours."""

import anyio  # noqa: F401
import schemathesis.transport.asgi  # noqa: F401
