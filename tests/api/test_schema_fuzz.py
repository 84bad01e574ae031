"""Schema-driven fuzzing: schemathesis reads `/openapi.json` from an in-process app and sends
hundreds of generated requests, valid and invalid, to every operation. Each answer must not be a
5xx, and its status code, content type and body must be ones the schema declares.

The app is sandboxed: user models in a temporary folder, an empty data dir (a valid
`POST /api/train` gets 409 "not downloaded" and never starts a worker process), and every
dataset's mirror on a closed local port (a `POST /api/datasets/{name}/download` fails at once
with "no mirror could be reached", so its event stream ends too, and nothing reaches the
internet). The job event stream of a made-up id is a 404 before any stream starts. Generation is
derandomized, so CI sees the same cases on every run; schemathesis's pytest plugin ends the app's
lifespan (started by its ASGI client) when the test ends.
"""

import dataclasses
import time
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.closed_port import closed_port_url

from cnnviz.api.main import create_app
from cnnviz.data import DATASETS
from cnnviz.data.store import ENV_DATA_DIR
from cnnviz.settings import Settings, find_frontend_dir

#: Generated cases per operation; operations without parameters give one case each.
MAX_EXAMPLES = 100
MIN_TOTAL_CASES = 2000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
]
#: Path parameters that name something the sandboxed app has: a bundled model, a dataset.
KNOWN_IDS = {"model_id": "lenet5-mnist", "name": "mnist"}
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv(ENV_DATA_DIR, str(data))
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    mirror = closed_port_url()
    for name, info in DATASETS.items():
        monkeypatch.setitem(DATASETS, name, dataclasses.replace(info, mirrors=(mirror,)))
    # schemathesis sends `Host: testserver`, a name the server does not answer to by default.
    settings = Settings(find_frontend_dir(), tmp_path / "models", allowed_hosts=("testserver",))
    return create_app(settings)


def _strategy(operation) -> st.SearchStrategy:
    """Valid and invalid data from the schema, the schema's own examples, and the same data
    sent to ids that exist (a generated id almost never does, so the engine would rarely run)."""
    modes = [GenerationMode.POSITIVE]
    if any(operation.iter_parameters()) or operation.body:
        modes.append(GenerationMode.NEGATIVE)
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    known = {
        parameter.name: KNOWN_IDS[parameter.name]
        for parameter in operation.path_parameters
        if parameter.name in KNOWN_IDS
    }
    if known:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters=known) for mode in modes
        ]
    return st.one_of(*operation.get_strategies_from_examples(), *strategies)


def _fuzz(operation) -> int:
    """Run the generated cases of one operation through every check; return how many ran."""
    count = 0

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation))
    def check(case):
        nonlocal count
        count += 1
        case.call_and_validate(checks=CHECKS)

    check()
    return count


#: Every operation in one run: ~2,400 cases, 3-7 minutes on two cores, longer than the suite's
#: 300 s backstop for one test.
@pytest.mark.timeout(900)
def test_every_operation_answers_as_its_schema_says(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    counts: dict[str, int] = {}
    failures: dict[str, str] = {}
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            counts[operation.label] = _fuzz(operation)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures[operation.label] = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    report = "\n\n".join(f"{label}\n{message}" for label, message in failures.items())
    assert not failures, f"{len(failures)} operation(s) failed:\n\n{report}"
    total = sum(counts.values())
    assert total >= MIN_TOTAL_CASES, f"only {total} cases generated: {counts}"
    print(f"{total} cases over {len(counts)} operations in {elapsed:.1f} s")
