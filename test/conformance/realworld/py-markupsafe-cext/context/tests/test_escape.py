import unittest

import markupsafe
from markupsafe import Markup, _escape_inner, escape


class EscapeTest(unittest.TestCase):
    CASES = [
        ("", ""),
        ("abcd&><'\"efgh", "abcd&amp;&gt;&lt;&#39;&#34;efgh"),
        ("\U0001F363&\U0001F362", "\U0001F363&amp;\U0001F362"),
        ("caf\xe9 <b>", "caf\xe9 &lt;b&gt;"),
    ]

    def test_speedups_are_built(self):
        self.assertTrue(markupsafe.speedups_enabled(), "the C extension did not import")

    def test_c_and_python_agree(self):
        for raw, want in self.CASES:
            self.assertEqual(escape(raw), want)
            self.assertEqual(_escape_inner(raw), want)

    def test_markup_passes_through(self):
        self.assertEqual(escape(Markup("<em>")), "<em>")
        self.assertEqual(Markup("<p>") + "<x>", "<p>&lt;x&gt;")


if __name__ == "__main__":
    unittest.main()
