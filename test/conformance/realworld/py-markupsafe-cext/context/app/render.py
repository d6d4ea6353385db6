"""render: fills a page template with escaped values from KEY=VALUE arguments."""
import sys

from markupsafe import Markup, escape

PAGE = Markup("<!doctype html>\n<title>{title}</title>\n<p>{body}</p>\n")


def render(values):
    return PAGE.format(**{k: escape(v) for k, v in values.items()})


if __name__ == "__main__":
    args = dict(a.split("=", 1) for a in sys.argv[1:])
    sys.stdout.write(render({"title": args.get("title", "Untitled"), "body": args.get("body", "")}))
