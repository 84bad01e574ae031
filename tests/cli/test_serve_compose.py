"""docker-compose.yml, checked without a Docker engine (none runs here): its api and worker run
commands this `cnnviz` accepts, on the compose file's Redis, and share the models and data
volumes at the same paths, which are the ones the image's settings point at."""

import re
from pathlib import Path

import yaml

from cnnviz.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
BROKER = "redis://redis:6379/0"


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _image_env() -> dict[str, str]:
    """The ENV lines of the Dockerfile (`NAME=value`, continued lines included)."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = [line.split()[1:] for line in text.splitlines() if line.startswith("ENV ")]
    return dict(pair.split("=", 1) for line in pairs for pair in line)


def test_the_api_and_worker_commands_are_cnnviz_commands_on_the_compose_redis() -> None:
    services = _compose()["services"]
    parser = build_parser()
    api = parser.parse_args(services["api"]["command"][1:])
    worker = parser.parse_args(services["worker"]["command"][1:])
    assert services["api"]["command"][0] == services["worker"]["command"][0] == "cnnviz"
    assert (api.command, api.host, api.broker, api.workers) == ("serve", "0.0.0.0", BROKER, 2)
    assert (worker.command, worker.broker) == ("worker", BROKER)
    assert "redis" in services


def test_api_and_worker_share_the_volumes_the_image_reads() -> None:
    compose = _compose()
    services = compose["services"]
    assert services["api"]["volumes"] == services["worker"]["volumes"]
    mounts = dict(volume.split(":", 1) for volume in services["worker"]["volumes"])
    assert set(mounts) <= set(compose["volumes"])
    env = _image_env()
    assert sorted(mounts.values()) == sorted([env["CNNVIZ_MODELS_DIR"], env["CNNVIZ_DATA_DIR"]])


def test_every_service_has_a_health_check_and_workers_can_be_scaled() -> None:
    services = _compose()["services"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "/api/health" in " ".join(services["api"]["healthcheck"]["test"])
    worker_check = " ".join(services["worker"]["healthcheck"]["test"])
    assert re.search(r"inspect ping --destination celery@\$\$HOSTNAME", worker_check)
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    # --scale worker=4 needs a worker with no fixed name and no published port
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
