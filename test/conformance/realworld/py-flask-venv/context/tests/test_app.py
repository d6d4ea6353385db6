import io
import json
import unittest

from flaskr import create_app


def call(app, method, path, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw)}
    status = []
    out = b"".join(app(environ, lambda s, h: status.append(s)))
    return status[0], out


class AppTest(unittest.TestCase):
    def setUp(self):
        self.app = create_app(":memory:")
        self.app.blog.database = "file:flaskr-test?mode=memory&cache=shared"
        self.keep = self.app.blog.connect()  # keeps the shared in-memory database alive
        self.app.blog.__init__(self.app.blog.database)

    def tearDown(self):
        self.keep.close()

    def test_health(self):
        self.assertEqual(call(self.app, "GET", "/health"), ("200 OK", b"ok\n"))

    def test_create_and_list(self):
        status, out = call(self.app, "POST", "/api/posts", {"title": "Hello", "body": "<b>world</b>"})
        self.assertEqual(status, "201 Created")
        status, out = call(self.app, "GET", "/api/posts")
        self.assertEqual(json.loads(out)[0]["title"], "Hello")
        status, page = call(self.app, "GET", "/")
        self.assertIn(b"&lt;b&gt;world&lt;/b&gt;", page)

    def test_title_required(self):
        status, out = call(self.app, "POST", "/api/posts", {"body": "x"})
        self.assertEqual(status, "400 Bad Request")


if __name__ == "__main__":
    unittest.main()
