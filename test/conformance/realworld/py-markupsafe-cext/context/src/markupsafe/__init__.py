"""Escape untrusted text for HTML: a Markup string type and escape(), as MarkupSafe has them."""


class Markup(str):
    """A string that is ready to be inserted into HTML: escape() leaves it alone."""

    __slots__ = ()

    def __html__(self):
        return self

    def __add__(self, other):
        return Markup(str.__add__(self, escape(other)))

    def join(self, seq):
        return Markup(str.join(self, map(escape, seq)))

    def __repr__(self):
        return f"{self.__class__.__name__}({str.__repr__(self)})"


def _escape_inner(s):
    return (
        s.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _py_escape(s):
    if hasattr(s, "__html__"):
        return Markup(s.__html__())
    return Markup(_escape_inner(str(s)))


try:
    from ._speedups import _escape_inner as _c_escape_inner
except ImportError:  # pure Python when built without the extension
    _c_escape_inner = None


def escape(s):
    """Replace & < > ' " with HTML-safe sequences; Markup and __html__ objects pass through."""
    if hasattr(s, "__html__"):
        return Markup(s.__html__())
    s = str(s)
    return Markup(_c_escape_inner(s) if _c_escape_inner else _escape_inner(s))


def speedups_enabled():
    return _c_escape_inner is not None


__version__ = "2.1.3"
