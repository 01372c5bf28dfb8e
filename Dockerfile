# The image for the API and the workers in docker-compose.yml.
FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY vidensbank vidensbank
COPY ingest ingest
COPY nlp_models nlp_models
COPY search_api/*.py search_api/
COPY web web
COPY migrations migrations
COPY sample_corpus sample_corpus
# Editable, so the migrations and the knowledge base are found beside the code (PROJECT_ROOT).
RUN pip install --no-cache-dir -e . && useradd --system --uid 10001 vidensbank \
    && mkdir -p /data && chown vidensbank /data
USER vidensbank
ENV VB_BLOB_DIR=/data/blobs
EXPOSE 8000
CMD ["vidensbank", "serve", "--host", "0.0.0.0", "--port", "8000"]
