"""Demo / local mode (the default): SQLite under the data directory and a secret key kept there."""

import secrets

from .base import *  # noqa: F403
from .base import DATA_DIR, env


def _demo_secret_key() -> str:
    """Read the demo's secret key from the data directory, creating it on first use."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _demo_secret_key()
LAYAN_MODE = "demo"
# the demo's logins must work without a phone: two-factor is offered, not required (the banner says so)
LAYAN_2FA_REQUIRED = env.bool("LAYAN_2FA_REQUIRED", default=False)
# the demo runs on one machine: let webhooks reach a receiver on localhost
LAYAN_WEBHOOK_ALLOW_PRIVATE = env.bool("LAYAN_WEBHOOK_ALLOW_PRIVATE", default=True)

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise expects it to exist)
