# syntax=docker/dockerfile:1
# IKZ-Portfolio container: assets built with Node, the application installed as a wheel.

# --- 1. front-end assets (htmx, KERN UX) from the npm registry, pinned by package-lock.json ----
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev
COPY app/assets app/assets
RUN npm run build

# --- 2. the wheel (carries templates, migrations, seed data and the built static files) ------
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README* LICENSE* ./
COPY app app
COPY templates templates
COPY migrations migrations
COPY seed seed
COPY --from=assets /src/app/static app/static
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

# --- 3. runtime: non-root user, migrations on start, health check -----------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    IKZ_ENV=production \
    IKZ_DATABASE_URL=sqlite:////var/lib/ikz/ikz.sqlite3
RUN groupadd --system ikz \
    && useradd --system --gid ikz --home-dir /var/lib/ikz --create-home --shell /usr/sbin/nologin ikz
COPY --from=wheel /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER ikz
WORKDIR /var/lib/ikz
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
# IKZ_SECRET_KEY must be given at run time (the application refuses the default in production),
# e.g. docker run -e IKZ_SECRET_KEY=... -e IKZ_DATABASE_URL=postgresql+psycopg://... -p 8000:8000 IMAGE
# Other commands: docker run --entrypoint ikz IMAGE seed
ENTRYPOINT ["/bin/sh", "-c", "ikz db upgrade && exec ikz serve --host 0.0.0.0 --port 8000 \"$@\"", "ikz"]
