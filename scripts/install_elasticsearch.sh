#!/usr/bin/env bash
# Install the Elasticsearch integ-test-zip distribution into $VB_ES_HOME.
#
#  - fetches org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VB_ES_VERSION:zip
#    from Maven Central into the local Maven repository (only once);
#  - unpacks it into $VB_ES_HOME (atomically, only once);
#  - creates the unprivileged system user $VB_ES_USER that runs it;
#  - installs Debian's hunspell-da dictionary as config/hunspell/da_DK;
#  - installs extra plugin zips listed in $VB_ES_PLUGINS (once per zip hash).
# Idempotent and quick when everything is already in place.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $EUID -eq 0 ]] || die "must run as root (creates the $VB_ES_USER user)"

ES_JAVA_HOME="$(find_java_home)" || die "no Java 17+ found: run scripts/install_system.sh"
export ES_JAVA_HOME

marker="$VB_ES_HOME/.vidensbank-installed"

# --- 1. Distribution: fetch and unpack once --------------------------------
if [[ ! -f "$marker" ]]; then
    zip="$VB_M2_REPO/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$VB_ES_VERSION/elasticsearch-$VB_ES_VERSION.zip"
    if [[ ! -s "$zip" ]]; then
        log "fetching Elasticsearch $VB_ES_VERSION (integ-test-zip) with Maven"
        run_quiet mvn -q -B --strict-checksums \
            -Dmaven.repo.local="$VB_M2_REPO" \
            dependency:get -Dtransitive=false \
            -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VB_ES_VERSION:zip" ||
            die "could not fetch the Elasticsearch distribution"
        [[ -s "$zip" ]] || die "Maven did not leave $zip"
    fi

    parent="$(dirname "$VB_ES_HOME")"
    mkdir -p "$parent"
    tmp="$(mktemp -d "$parent/.es-unpack.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    log "unpacking into $VB_ES_HOME"
    unzip -q "$zip" -d "$tmp"
    # The zip holds a single top-level directory elasticsearch-<version>/.
    top=("$tmp"/*)
    [[ ${#top[@]} -eq 1 && -x "${top[0]}/bin/elasticsearch" ]] ||
        die "unexpected layout in $zip"
    touch "${top[0]}/.vidensbank-installed"
    rm -rf "$VB_ES_HOME" # a partial leftover without the marker
    mv "${top[0]}" "$VB_ES_HOME"
    rm -rf "$tmp"
    trap - EXIT
fi

# --- 2. System user --------------------------------------------------------
if ! id -u "$VB_ES_USER" >/dev/null 2>&1; then
    log "creating system user $VB_ES_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin --comment "Vidensbank Elasticsearch" "$VB_ES_USER"
fi

# The user must be able to reach $VB_ES_HOME, which usually sits under a
# private $HOME (/root is mode 700).
grant_traverse "$VB_ES_USER" "$VB_ES_HOME/bin"

# Config dir is owned by the ES user: Elasticsearch creates its keystore
# there on first start. The rest of the install stays root-owned, world-readable.
if [[ "$(stat -c %U "$VB_ES_HOME/config")" != "$VB_ES_USER" ]]; then
    chmod -R a+rX "$VB_ES_HOME"
    chown -R "$VB_ES_USER:$VB_ES_USER" "$VB_ES_HOME/config"
fi
if [[ ! -f "$VB_ES_HOME/config/elasticsearch.keystore" ]]; then
    runuser -u "$VB_ES_USER" -- env ES_JAVA_HOME="$ES_JAVA_HOME" \
        "$VB_ES_HOME/bin/elasticsearch-keystore" create >/dev/null
fi

# --- 3. Danish hunspell dictionary ----------------------------------------
# The core `hunspell` token filter loads <config>/hunspell/<locale>/*.aff|*.dic.
hdir="$VB_ES_HOME/config/hunspell/da_DK"
for ext in aff dic; do
    src="/usr/share/hunspell/da_DK.$ext"
    [[ -r "$src" ]] || die "$src missing: run scripts/install_system.sh (hunspell-da)"
    if ! cmp -s "$src" "$hdir/da_DK.$ext"; then
        install -d -o "$VB_ES_USER" -g "$VB_ES_USER" -m 0755 "$VB_ES_HOME/config/hunspell" "$hdir"
        install -o "$VB_ES_USER" -g "$VB_ES_USER" -m 0644 "$src" "$hdir/da_DK.$ext"
    fi
done

# --- 3b. Danish word list ------------------------------------------------
# The project's decompounder (vb_decompound_da) reads Debian's wdanish list from the config dir;
# Elasticsearch refuses to read files outside it.
wsrc=/usr/share/dict/danish
wdst="$VB_ES_HOME/config/vidensbank/danish_words.txt"
[[ -r "$wsrc" ]] || die "$wsrc missing: run scripts/install_system.sh (wdanish)"
if ! cmp -s "$wsrc" "$wdst"; then
    install -d -o "$VB_ES_USER" -g "$VB_ES_USER" -m 0755 "$(dirname "$wdst")"
    install -o "$VB_ES_USER" -g "$VB_ES_USER" -m 0644 "$wsrc" "$wdst"
fi

# --- 4. Extra plugins ------------------------------------------------------
# A plugin is (re)installed when its name is not installed yet, or when the
# zip's sha256 differs from the one recorded at its last install.
# Plugins take effect on the next Elasticsearch (re)start.
plugin_markers="$VB_ES_HOME/.vidensbank-plugins"
for pzip in $VB_ES_PLUGINS; do
    [[ -r "$pzip" ]] || die "plugin zip not found: $pzip"
    pzip="$(readlink -f "$pzip")"
    # Classic plugins carry plugin-descriptor.properties, stable-API plugins
    # stable-plugin-descriptor.properties.
    name=""
    for desc in plugin-descriptor.properties stable-plugin-descriptor.properties; do
        name="$(unzip -p "$pzip" "$desc" 2>/dev/null |
            sed -n 's/^name[[:space:]]*=[[:space:]]*//p' | tr -d '\r' | head -n 1)" || true
        [[ -z "$name" ]] || break
    done
    [[ -n "$name" ]] || die "$pzip has no (stable-)plugin-descriptor.properties with a name"
    sum="$(sha256sum "$pzip" | cut -d' ' -f1)"
    if [[ -d "$VB_ES_HOME/plugins/$name" && "$(cat "$plugin_markers/$name" 2>/dev/null)" == "$sum" ]]; then
        continue
    fi
    if [[ -d "$VB_ES_HOME/plugins/$name" ]]; then
        log "removing outdated plugin $name"
        run_quiet "$VB_ES_HOME/bin/elasticsearch-plugin" remove "$name" ||
            die "could not remove plugin $name"
    fi
    log "installing plugin $name from $pzip"
    run_quiet "$VB_ES_HOME/bin/elasticsearch-plugin" install --batch "file://$pzip" ||
        die "could not install plugin $name"
    chmod -R a+rX "$VB_ES_HOME/plugins/$name"
    [[ ! -d "$VB_ES_HOME/config/$name" ]] ||
        chown -R "$VB_ES_USER:$VB_ES_USER" "$VB_ES_HOME/config/$name"
    mkdir -p "$plugin_markers"
    echo "$sum" >"$plugin_markers/$name"
    log "plugin $name installed; restart Elasticsearch to load it"
done
