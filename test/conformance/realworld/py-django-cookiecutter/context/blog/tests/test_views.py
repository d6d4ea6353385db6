import json
import unittest

from blog import views
from django_lite import compile_po


class HomeTest(unittest.TestCase):
    def test_english_by_default(self):
        status, body = views.home({})
        self.assertEqual(status, "200 OK")
        self.assertEqual(json.loads(body)["title"], "Latest posts")

    def test_po_compiles_to_a_catalog(self):
        mo = compile_po('msgid ""\nmsgstr "Language: fr\\n"\n\nmsgid "a"\nmsgstr "b"\n')
        self.assertEqual(mo[:4], b"\xde\x12\x04\x95")  # GNU .mo magic, little-endian
