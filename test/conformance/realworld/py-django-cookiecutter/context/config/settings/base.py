"""Base settings to build other settings files upon."""
from pathlib import Path

from environ_lite import Env

BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent
APPS_DIR = BASE_DIR / "blog"
env = Env()

DEBUG = env.bool("DJANGO_DEBUG", False)
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("fr", "French")]
LOCALE_PATHS = [str(APPS_DIR / "locale")]
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}
STATIC_URL = "/static/"
STATICFILES_DIRS = [str(APPS_DIR / "static")]
STATIC_ROOT = str(BASE_DIR / "staticfiles")
INSTALLED_APPS = ["blog"]
