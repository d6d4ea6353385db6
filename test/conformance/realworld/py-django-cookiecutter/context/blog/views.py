"""Views of the blog app (WSGI callables, no framework)."""
import gettext
import json

from django_lite import settings


def translator(lang):
    return gettext.translation("django", localedir=settings().LOCALE_PATHS[0], languages=[lang], fallback=True)


def home(environ):
    lang = environ.get("HTTP_ACCEPT_LANGUAGE", "en")[:2]
    _ = translator(lang).gettext
    return "200 OK", json.dumps({"title": _("Latest posts"), "empty": _("No posts yet.")})
