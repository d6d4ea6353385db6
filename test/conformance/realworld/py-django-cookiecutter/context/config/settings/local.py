from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "local-development-key"
