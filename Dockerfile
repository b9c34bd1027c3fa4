# Pantau HAM in a container. SQLite lives in the /app/var volume (owned by the bot's user) unless
# DATABASE_URL points at PostgreSQL; see docs/operations.md ("In a container") and compose.yaml.
# The two install steps are scripts/install.sh, which tests/test_container.py runs the same way.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/pantau PATH=/opt/pantau/bin:$PATH

RUN useradd --system --create-home --uid 10001 --user-group pantau \
    && python -m venv /opt/pantau \
    && mkdir -p /app/var && chown pantau:pantau /app/var && chmod 700 /app/var
WORKDIR /app

# 1. dependencies, in their own layer: a change to the code does not reinstall them
COPY pyproject.toml constraints.txt ./
COPY scripts/install.sh ./scripts/install.sh
RUN sh scripts/install.sh deps postgres

# 2. the bot itself
COPY README.md babel.cfg setup.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY schedules ./schedules
COPY locales ./locales
RUN sh scripts/install.sh app postgres

USER pantau
# PYTHONOPTIMIZE=2 (-OO) drops docstrings from the loaded code: about 7 MiB less resident memory. Nothing the
# bot runs reads a docstring or relies on an assert; install.sh compiled the -OO bytecode, so starts stay fast.
ENV DATABASE_URL=sqlite:////app/var/pantau-ham.db PANTAU_WEBHOOK_PORT=8443 PANTAU_HEALTH_PORT=8080 \
    PYTHONOPTIMIZE=2
EXPOSE 8443 8080
VOLUME ["/app/var"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["pantau-ham", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["pantau-ham"]
CMD ["run"]
