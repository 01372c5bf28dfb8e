#!/usr/bin/env bash
# Builds the vidensbank-analysis-da Elasticsearch plugin zip and prints its absolute path.
#
#   search_api/index/es_plugin/build.sh          build (or reuse) the zip
#   search_api/index/es_plugin/build.sh -o       same, Maven strictly offline
#   FORCE=1 search_api/index/es_plugin/build.sh  rebuild even if the zip looks up to date
#
# The first build downloads the Maven plugins and the provided jars from Maven Central into
# ~/.m2. Every plugin version is pinned in pom.xml, so later builds need no network at all.
# Extra arguments are passed to Maven. Maven's output goes to stderr; stdout is only the path.
set -euo pipefail

cd "$(dirname "$0")"
es_version=$(sed -n 's:.*<es.version>\(.*\)</es.version>.*:\1:p' pom.xml | head -n1)
zip="$PWD/target/vidensbank-analysis-da-${es_version}.zip"

# Up to date when the zip is newer than every input: skip Maven entirely (~0 s instead of ~5 s).
if [[ -z "${FORCE:-}" && $# -eq 0 && -f "$zip" ]] \
    && [[ -z "$(find pom.xml build.sh src -newer "$zip" -print -quit)" ]]; then
    echo "$zip"
    exit 0
fi

mvn -q -B "$@" package >&2
test -f "$zip"
echo "$zip"
