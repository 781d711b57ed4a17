import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upswing.site.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their models) lives as long as the process: kept
# out of the cycle collector's full passes, which otherwise walk it all every few hundred
# requests (a 130 ms pause on a page of 250 teams, in the middle of someone's request).
gc.collect()
gc.freeze()
