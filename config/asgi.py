import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_application = get_asgi_application()

# After Django is set up: the live boards' hub (lifespan) and the wall's fast poll in front.
from live.asgi import wrap  # noqa: E402

application = wrap(django_application)
