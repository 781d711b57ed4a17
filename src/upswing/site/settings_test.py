"""Settings for the test suite: the production settings with fast hashing and a throwaway home."""

import os
import tempfile

os.environ.setdefault("UPSWING_HOME", tempfile.mkdtemp(prefix="upswing-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)

from upswing.site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The API fuzz tests call hundreds of times a minute; the throttle's own test lowers it.
UPSWING_API_RATE = "1000000/min"

# Tasks run inline in the test's thread; the worker's own tests start real workers.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The test database is a file, not SQLite's shared in-memory database: the browser tests'
# live server answers several requests at once (a page and its htmx badge), and the shared
# in-memory database refuses a second connection's read outright ("database table is
# locked") while a file in WAL mode lets it read and makes a writer wait its turn.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _folder = tempfile.mkdtemp(prefix="upswing-test-db-")  # one per process (and xdist worker)
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_folder, "test.sqlite3")}  # noqa: F405
    DATABASES["default"]["OPTIONS"]["timeout"] = 20  # noqa: F405
