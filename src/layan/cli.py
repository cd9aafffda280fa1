"""The ``layan`` command: Django's management commands (``layan migrate``, ``layan createsuperuser``, ...)
plus Layan's own (``layan demo``, ``layan load_regions``, ``layan worker``, ...).

Settings default to ``layan.settings.demo``; a deployment sets ``DJANGO_SETTINGS_MODULE=layan.settings.production``.
"""

import os
import sys


def _early_options(argv: list[str]) -> None:
    """Options that must act before the settings load: ``layan demo --data-dir DIR``."""
    for i, arg in enumerate(argv):
        if arg == "--data-dir" and i + 1 < len(argv):
            os.environ["LAYAN_DATA_DIR"] = argv[i + 1]
        elif arg.startswith("--data-dir="):
            os.environ["LAYAN_DATA_DIR"] = arg.split("=", 1)[1]


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings.demo")
    if argv[:1] == ["demo"]:
        _early_options(argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["layan", *argv])


if __name__ == "__main__":
    main()
