"""docker-compose.yml and scripts/cluster.sh describe one cluster: both take its shape and
settings from deploy/cluster.env, and whatever each spells out for itself agrees."""

import os
import re
import subprocess
from typing import Any

import yaml

from tests.helpers import PROJECT_ROOT
from vidensbank.settings import Settings

# What the cluster's shape is made of (read by the script and by compose, not by the app).
SHAPE = {"VB_ES_NODES", "VB_WORKER_POOLS", "VB_WORKER_CONCURRENCY", "VB_API_PROCESSES"}
# The only settings compose has and the loopback cluster has not: security (passwords, and
# TLS between the nodes) on machines that talk over a network.
COMPOSE_ONLY = re.compile(r"^(xpack\.security\.|ELASTIC_PASSWORD$|ES_JAVA_OPTS$|node\.name$)")


def cluster_env() -> dict[str, str]:
    lines = (PROJECT_ROOT / "deploy" / "cluster.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^VB_[A-Z0-9_]+=", line))


def compose() -> dict[str, Any]:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def script_env() -> dict[str, str]:
    """What scripts/cluster.sh gives its processes, with nothing set beforehand."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VB_")}
    out = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "cluster.sh"), "env"],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = dict(re.findall(r"^export (VB_[A-Z0-9_]+)=(.*)$", out, flags=re.MULTILINE))
    return {k: v.replace("\\,", ",") for k, v in found.items()}


def test_cluster_env_holds_the_shape_and_real_settings_only() -> None:
    settings = {f"VB_{name.upper()}" for name in Settings.model_fields}
    env = cluster_env()
    assert set(env) >= SHAPE
    assert set(env) - SHAPE <= settings, set(env) - SHAPE - settings
    assert int(env["VB_ES_REPLICAS"]) >= 1, "a node's loss must not lose a shard"
    assert int(env["VB_ES_NODES"]) > int(env["VB_ES_REPLICAS"])


def test_compose_and_the_script_read_the_same_settings() -> None:
    env = cluster_env()
    assert compose()["x-app"]["env_file"] == "deploy/cluster.env"
    given = script_env()
    assert {k: given[k] for k in env} == env


def test_both_have_the_same_shape() -> None:
    env = cluster_env()
    services = compose()["services"]
    nodes = sorted(name for name in services if re.fullmatch(r"es\d\d", name))
    assert len(nodes) == int(env["VB_ES_NODES"])
    for name in nodes:
        settings = services[name]["environment"]
        assert settings["node.name"] == name
        assert settings["discovery.seed_hosts"].split(",") == nodes
        assert settings["cluster.initial_master_nodes"].split(",") == nodes
    urls = compose()["x-app"]["environment"]["VB_ELASTICSEARCH_URL"].split(",")
    assert len(urls) == len(nodes)
    assert len(script_env()["VB_ELASTICSEARCH_URL"].split(",")) == len(nodes)
    # Defaults of compose's replicas are the shape's; the worker's concurrency is read from the
    # env file inside the container.
    for service, shape in (("worker", "VB_WORKER_POOLS"), ("api", "VB_API_PROCESSES")):
        assert services[service]["deploy"]["replicas"] == f"${{{shape}:-{env[shape]}}}"
    assert "--concurrency=$$VB_WORKER_CONCURRENCY" in " ".join(services["worker"]["command"])


def test_the_nodes_differ_only_in_security_and_machine_size() -> None:
    """The loopback nodes' settings (scripts/start_services.sh) are compose's but for what
    COMPOSE_ONLY allows; the cluster's name and discovery are the same."""
    script = (PROJECT_ROOT / "scripts" / "start_services.sh").read_text(encoding="utf-8")
    local = set(re.findall(r'"([a-z][a-z_.]+)=', script))
    node = compose()["services"]["es01"]["environment"]
    for key in node:
        assert COMPOSE_ONLY.match(key) or key in local, f"{key} is not set on the loopback nodes"
    assert f'"cluster.name={node["cluster.name"]}"' in script


def test_the_proxy_is_composes() -> None:
    script = (PROJECT_ROOT / "scripts" / "cluster.sh").read_text(encoding="utf-8")
    assert '"$VB_ROOT/deploy/nginx.conf"' in script
    assert (
        "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in compose()["services"]["proxy"]["volumes"]
    )


def test_the_api_behind_the_proxy_sees_each_client_and_no_client_picks_its_address() -> None:
    """Compose's API trusted no proxy header: every visitor was the proxy's address, so twenty
    wrong logins by anyone locked out every login; and the proxy kept what a client had put in
    X-Forwarded-For, so a client that is trusted could name any address."""
    api = compose()["services"]["api"]
    assert api["environment"]["FORWARDED_ALLOW_IPS"] == "*" and "ports" not in api
    assert api["environment"]["VB_DATABASE_URL"].startswith("postgresql")  # the rest kept
    proxy = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "$proxy_add_x_forwarded_for" not in proxy
    assert proxy.count("proxy_set_header X-Forwarded-For $remote_addr;") == proxy.count(
        "proxy_pass"
    )
