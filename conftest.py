"""Test-wide settings: an isolated ACCORD_HOME per run and immediate (in-process) Huey tasks."""

import os
import tempfile

_home = tempfile.mkdtemp(prefix="accord-test-")
os.environ.setdefault("ACCORD_HOME", _home)
os.environ["ACCORD_HUEY_IMMEDIATE"] = "1"
