# Pantau HAM: the bot in a container. SQLite lives in the /app/var volume unless
# DATABASE_URL points elsewhere (postgresql://...).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY locales ./locales
RUN pip install . && useradd --create-home --uid 1000 pantau && mkdir -p /app/var && chown pantau /app/var

USER pantau
VOLUME ["/app/var"]
ENTRYPOINT ["pantau-ham"]
CMD ["run"]
