# Production image: gunicorn (web), celery worker and beat and the migrate one-shot all run from it,
# built once as ${PORTAL_IMAGE} (see docker-compose.yml).
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=portal.settings.production

# WeasyPrint's libraries and complete fonts that cover every Vietnamese letter.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# collectstatic needs settings to import; these build-time values are never used at run time.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    EMAIL_URL=smtp://build-only:25 ALLOW_SIMULATORS=true \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 portal && mkdir -p /app/var && chown portal /app/var
USER portal
EXPOSE 8000
# Workers, threads, timeouts, max-requests and the JSON access log: gunicorn.conf.py.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi:application"]
