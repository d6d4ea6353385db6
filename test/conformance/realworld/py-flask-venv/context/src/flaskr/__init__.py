"""Flaskr: a tiny blog as a WSGI application factory."""
import html
import json
import os
import sqlite3
from importlib import resources

__version__ = "1.0.0"


def _page(title, body):
    template = resources.files(__package__).joinpath("templates/base.html").read_text()
    return template.replace("{{ title }}", html.escape(title)).replace("{{ body }}", body)


class Blog:
    def __init__(self, database):
        self.database = database
        with self.connect() as db:
            db.executescript(resources.files(__package__).joinpath("schema.sql").read_text())

    def connect(self):
        return sqlite3.connect(self.database)

    def posts(self):
        with self.connect() as db:
            return db.execute("SELECT id, title, body FROM post ORDER BY id DESC").fetchall()

    def add(self, title, body):
        if not title:
            raise ValueError("Title is required.")
        with self.connect() as db:
            return db.execute("INSERT INTO post (title, body) VALUES (?, ?)", (title, body)).lastrowid


def create_app(database=None):
    blog = Blog(database or os.environ.get("FLASKR_DATABASE", ":memory:"))

    def app(environ, start_response):
        path, method = environ.get("PATH_INFO", "/"), environ["REQUEST_METHOD"]
        if path == "/health":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if path == "/api/posts" and method == "GET":
            data = [{"id": i, "title": t, "body": b} for i, t, b in blog.posts()]
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(data).encode()]
        if path == "/api/posts" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            post = json.loads(environ["wsgi.input"].read(size) or b"{}")
            try:
                new_id = blog.add(post.get("title", ""), post.get("body", ""))
            except ValueError as e:
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [json.dumps({"error": str(e)}).encode()]
            start_response("201 Created", [("Content-Type", "application/json")])
            return [json.dumps({"id": new_id}).encode()]
        if path == "/" and method == "GET":
            items = "".join(f"<article><h1>{html.escape(t)}</h1><p>{html.escape(b)}</p></article>" for _, t, b in blog.posts())
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [_page("Posts", items or "<p>No posts yet.</p>").encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    app.blog = blog
    return app
