"""The one place Tierline reads its environment.

Every setting that can change between machines is read here (django-environ), so the
settings modules never touch ``os.environ`` themselves. A ``.env`` file beside
``manage.py`` is read when present; real environment variables win over it.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    env.read_env(str(_dotenv), overwrite=False)
