"""Layan ("to serve"): an open-source platform for Indonesian public service."""

__version__ = "0.1.0"
