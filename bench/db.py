"""A fresh database beside the configured one, for a benchmark run: a temporary SQLite file, or
``<name>_<tag>`` on the same PostgreSQL server; dropped afterwards unless kept."""

import os
import tempfile


def setup_database(tag: str, n: int | str = "") -> str:
    """Create and migrate the database; returns the configured name, for :func:`teardown_database`."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = os.path.join(tempfile.gettempdir(), f"layan-{tag}-{n}.sqlite3" if n != "" else f"layan-{tag}.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        settings["TEST"]["NAME"] = path
    else:
        settings["TEST"]["NAME"] = f"{settings['NAME']}_{tag}"
    old_name = settings["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return old_name


def teardown_database(old_name: str, keep: bool) -> None:
    from django.db import connection

    if keep:
        print(f"  kept database {connection.settings_dict['NAME']}")
        return
    connection.creation.destroy_test_db(old_name, verbosity=0)
