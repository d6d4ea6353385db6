import os

from setuptools import Extension, setup

# As upstream: the speedups are optional; CIBUILDWHEEL/MARKUPSAFE_NO_SPEEDUPS skip them.
ext_modules = []
if not os.environ.get("MARKUPSAFE_NO_SPEEDUPS"):
    ext_modules.append(Extension("markupsafe._speedups", ["src/markupsafe/_speedups.c"]))

setup(ext_modules=ext_modules)
