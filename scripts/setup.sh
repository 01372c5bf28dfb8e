#!/usr/bin/env bash
# Install everything Vidensbank needs on this machine: Debian packages, the Elasticsearch
# distribution (fetched once with Maven and cached outside the checkout) and the Python env.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/install_system.sh"
"$here/install_elasticsearch.sh"
"$here/install_python.sh"
