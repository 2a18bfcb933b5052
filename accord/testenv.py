"""Pytest plugin (loaded with ``-p`` before pytest-django reads the settings).

It gives every test run its own ``ACCORD_HOME`` (so concurrent runs never share a database or
cache) and runs Huey tasks in-process.
"""

import os
import tempfile

if not os.environ.get("ACCORD_TEST_KEEP_HOME"):
    os.environ["ACCORD_HOME"] = tempfile.mkdtemp(prefix="accord-test-")
os.environ["ACCORD_HUEY_IMMEDIATE"] = "1"
