from .base import *  # noqa: F401,F403

SECRET_KEY = "test-only-not-secret"
DATABASES = {"default": {"ENGINE": "sqlite3", "NAME": ":memory:"}}
