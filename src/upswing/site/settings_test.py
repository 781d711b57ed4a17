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
