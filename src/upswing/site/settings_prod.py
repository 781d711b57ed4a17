"""Production overlay: the settings with HTTPS, HSTS and hardened cookies switched on.

Use it with DJANGO_SETTINGS_MODULE=upswing.site.settings_prod behind a TLS-terminating
reverse proxy. `manage.py check --deploy --fail-level WARNING` passes with it (tested).
"""

from upswing.env import env_bool, env_int
from upswing.site.settings import *  # noqa: F403

DEBUG = False

# The proxy must overwrite X-Forwarded-Proto, never pass a client's value on (ASVS 4.1.3).
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies are only accepted over HTTPS, for this exact host, on path / (ASVS 3.3.1).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
