"""Typed access to environment variables, after django-environ's Env."""
import os
from urllib.parse import urlparse

__version__ = "0.11.2"
_TRUE = {"1", "true", "yes", "on"}


class ImproperlyConfigured(Exception):
    pass


class Env:
    NOTSET = object()

    def __init__(self, environ=None):
        self.environ = os.environ if environ is None else environ

    def str(self, var, default=NOTSET):
        if var in self.environ:
            return self.environ[var]
        if default is self.NOTSET:
            raise ImproperlyConfigured(f"Set the {var} environment variable")
        return default

    def bool(self, var, default=NOTSET):
        value = self.str(var, default)
        return value if isinstance(value, bool) else value.strip().lower() in _TRUE

    def list(self, var, default=NOTSET):
        value = self.str(var, default)
        return value if isinstance(value, list) else [v.strip() for v in value.split(",") if v.strip()]

    def db(self, var="DATABASE_URL", default=NOTSET):
        url = urlparse(self.str(var, default))
        if url.scheme == "sqlite":
            return {"ENGINE": "sqlite3", "NAME": url.path[1:] or ":memory:"}
        return {"ENGINE": url.scheme, "NAME": url.path[1:], "USER": url.username, "HOST": url.hostname, "PORT": url.port}
