# Elasticsearch for docker-compose, with the project's Danish analysis plugin and word list.
FROM maven:3.9-eclipse-temurin-17 AS plugin
WORKDIR /build
COPY search_api/index/es_plugin/pom.xml search_api/index/es_plugin/build.sh ./
COPY search_api/index/es_plugin/src src
RUN mvn -q -B package

FROM debian:bookworm-slim AS words
RUN apt-get update && apt-get install -y --no-install-recommends wdanish \
    && rm -rf /var/lib/apt/lists/*

FROM docker.elastic.co/elasticsearch/elasticsearch:8.19.21
COPY --from=plugin /build/target/vidensbank-analysis-da-8.19.21.zip /tmp/plugin.zip
RUN bin/elasticsearch-plugin install --batch file:///tmp/plugin.zip
COPY --from=words --chown=elasticsearch:root /usr/share/dict/danish config/vidensbank/danish_words.txt
