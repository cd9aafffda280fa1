"""Layan's production settings (``layan.settings.production``: the same middleware, apps, database options and
task backend a deployment runs) plus the bench-only app and its one bare view at ``/bench/bare/``."""

from layan.settings.production import *  # noqa: F403
from layan.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare"]
ROOT_URLCONF = "bench.bare.urls"
