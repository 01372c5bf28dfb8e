# The image for the API and the workers in docker-compose.yml.
# The package is built into a wheel and installed like any other (tests/e2e/test_wheel_install.py
# builds and runs the same wheel): the image holds no checkout, and the migrations, knowledge base,
# model, templates and static files (Det Fælles Designsystem's among them) come from the installed
# package.

# Det Fælles Designsystem, fetched and checked by the same script as on a developer's machine.
FROM node:20-bookworm-slim AS dkfds
WORKDIR /src
COPY scripts/lib.sh scripts/install_dkfds.sh scripts/
RUN scripts/install_dkfds.sh /dkfds

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
# The package folders pyproject.toml lists ([tool.setuptools.packages.find]).
COPY pyproject.toml ./
COPY vidensbank vidensbank
COPY ingest ingest
COPY nlp_models nlp_models
COPY search_api search_api
COPY web web
COPY --from=dkfds /dkfds web/static/dkfds
COPY sample_corpus sample_corpus
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 curl tesseract-ocr tesseract-ocr-dan \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/vidensbank-*.whl && rm -rf /wheels \
    && useradd --system --uid 10001 vidensbank \
    && mkdir -p /data && chown vidensbank /data
USER vidensbank
# Runtime state (the blob store; a SQLite file when no VB_DATABASE_URL is given) lives in /data,
# the volume docker-compose.yml mounts there.
ENV VB_VAR=/data
WORKDIR /data
EXPOSE 8000
CMD ["vidensbank", "serve", "--host", "0.0.0.0", "--port", "8000"]
