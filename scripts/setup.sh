#!/usr/bin/env bash
# Install everything Vidensbank needs on this machine: Debian packages, Det Fælles Designsystem
# (fetched once with npm and vendored into web/static/dkfds/), the Elasticsearch distribution
# (fetched once with Maven and cached outside the checkout) with the project's Danish analysis
# plugin, and the Python env. A running Elasticsearch is stopped when its
# plugin changed, so the next start loads the new one.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/lib.sh"

"$here/install_system.sh"
"$here/install_dkfds.sh"
plugin_zip="$("$VB_ROOT/search_api/index/es_plugin/build.sh")"
marker="$VB_ES_HOME/.vidensbank-plugins/vidensbank-analysis-da"
before="$(cat "$marker" 2>/dev/null || true)"
VB_ES_PLUGINS="$plugin_zip" "$here/install_elasticsearch.sh"
if [[ "$before" != "$(cat "$marker" 2>/dev/null || true)" ]]; then
    "$here/stop_services.sh" es
fi
"$here/install_python.sh"
