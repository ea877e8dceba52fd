# LapakAsik web image: gunicorn serving Django; the same image runs the Celery worker
# and beat with a different command (see README.md, "Production").

# --- builder: dependencies into a venv, translations, static files ---------------------
FROM python:3.11-slim-bookworm AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# gcc and headers for any dependency without a wheel; gettext for compilemessages;
# libmagic because python-magic loads it on import.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential gettext libmagic1 \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY . .

# Production settings refuse to load without these; nothing here connects to them.
RUN export DJANGO_SETTINGS_MODULE=lapakasik.settings.prod \
        DJANGO_SECRET_KEY=build-only-not-secret-used-while-building-the-image-and-never-at-run-time \
        PUBLIC_BASE_URL=https://build.invalid \
        TRUSTED_PROXY_COUNT=0 \
        NOTIFICATION_SEAL_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktbmV2ZXItdXNlZCE= \
        PERSONAL_DATA_KEYS=YnVpbGQtb25seS1wZXJzb25hbC1kYXRhLW5vdGtleSE= \
        PERSONAL_DATA_INDEX_KEYS=YnVpbGQtb25seS1ibGluZC1pbmRleC1ub3Qta2V5ISE= \
        DATABASE_URL=postgres://build@localhost/build \
        REDIS_URL=redis://localhost:6379/0 \
        STORAGE_BACKEND=s3 \
        AWS_STORAGE_BUCKET_NAME=build-only \
        NOTIFICATION_WHATSAPP_BACKEND=whatsapp \
        NOTIFICATION_SMS_BACKEND=twilio \
    && if [ -n "$(find . -type d -name locale)" ]; then python manage.py compilemessages; fi \
    && python manage.py collectstatic --noinput \
    && python -m compileall -q /app

# --- runtime ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=lapakasik.settings.prod \
    WEB_CONCURRENCY=3

RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 lapakasik \
    && useradd --system --uid 10001 --gid lapakasik --home-dir /app --no-create-home --shell /usr/sbin/nologin lapakasik

# Code and venv stay owned by root: the app user can read them, not change them.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app

USER 10001:10001
EXPOSE 8000

# Asks as the proxy would (an allowed host, X-Forwarded-Proto: https) so neither
# ALLOWED_HOSTS nor SECURE_SSL_REDIRECT answers instead of the application.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# gunicorn reads the number of workers from WEB_CONCURRENCY, extra flags from GUNICORN_CMD_ARGS.
CMD ["gunicorn", "lapakasik.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
