# Tierline web, worker and beat image (one image, three commands; see docker-compose.yml).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock /app/
RUN pip install --no-cache-dir -r requirements.lock

COPY . /app
# collectstatic needs settings but no real secrets or services at build time.
# (The URLs are parsed, never connected to.)
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@build:5432/build \
    REDIS_URL=redis://build:6379/0 python manage.py collectstatic --noinput \
 && useradd --create-home tierline && mkdir -p /app/media && chown -R tierline /app/media
USER tierline

EXPOSE 8000
CMD ["gunicorn", "config.asgi:application", "-k", "uvicorn_worker.UvicornWorker", \
     "--bind", "0.0.0.0:8000", "--workers", "3", "--no-control-socket"]
