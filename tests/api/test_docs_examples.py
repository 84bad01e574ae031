"""Every operation in `/openapi.json`, called with the example `/docs` fills in for it.

The requests are built from the schema alone, the way Swagger UI builds them:

- a parameter takes its OpenAPI `examples` (the first one is prefilled), else its `example`, else
  its schema's `example` or `default`. Swagger UI does not prefill a parameter from its schema's
  JSON Schema `examples` list, so that form does not count here;
- a body takes every entry of its media type's `examples` (the dropdown in /docs; an entry with
  `externalValue` is fetched from this app), else its `example`, else every item of its schema's
  JSON Schema `examples` (following `$ref`; /docs shows the first).

Every required parameter and every required body must have one, so a new route without examples
fails here. Each answer must be a documented 2xx.

Ids that exist only at runtime (a training job, a model one may delete) cannot be written in a
schema. An id parameter is runtime-only when its example names nothing on a fresh server (its GET
is a 404), or when the operation deletes it (the example names a bundled model, which must not
be deleted). The test then makes one with the collection's own `POST` example (`POST /api/models`
for `/api/models/{model_id}`, `POST /api/train` for `/api/train/{job_id}`) and puts its `id` in
place of the example. Operations on one made thing run right after its creation, in the order
they are declared, with streams last: a job is paused, resumed, stepped and stopped while it is
still training, and its event stream is read once it has ended.

The data is made here: a tiny MNIST-format dataset in `CNNVIZ_DATA_DIR`, with just enough images
for the training example (so its job runs, and is stopped), and for the samples route. The
download route finds every file already there and downloads nothing, so it needs no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.tiny_mnist import make_tiny_mnist

from cnnviz.data import clear_cache
from cnnviz.data.store import ENV_DATA_DIR

METHODS = ("get", "put", "post", "delete", "patch")
#: Paths served by FastAPI itself rather than by a route of ours (none appear in the schema now).
INTERNAL = ("/docs", "/redoc", "/openapi.json")
#: The training example asks for 3,000 images of 3 labels with a tenth held out: 1,200 images
#: per label leave enough.
TRAIN_IMAGES = 12_000
#: Operations on a class need its teacher's or a student's token (X-Class-Token), which exists
#: only at runtime and cannot be an example: tests/api/test_classes_*.py call each of them.
TOKEN_ROUTES = "/api/classes/{code}"


@pytest.fixture
def tiny_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_tiny_mnist(tmp_path / "data", train=TRAIN_IMAGES, test=40)
    monkeypatch.setenv(ENV_DATA_DIR, str(root))
    clear_cache()
    yield root
    clear_cache()


# -- reading the schema ------------------------------------------------------------------------


@dataclass
class Operation:
    method: str
    path: str
    spec: dict

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.path)

    @property
    def streams(self) -> bool:
        return any(
            "text/event-stream" in answer.get("content", {})
            for code, answer in self.spec["responses"].items()
            if code.startswith("2")
        )


@dataclass
class Request:
    params: dict[str, dict[str, Any]] = field(default_factory=dict)  # "path"/"query"/... -> values
    body: tuple[str, Any] | None = None  # (media type, value)


def operations(spec: dict) -> list[Operation]:
    return [
        Operation(method, path, item[method])
        for path, item in spec["paths"].items()
        if not path.startswith(INTERNAL)
        for method in METHODS
        if method in item
    ]


def resolve(spec: dict, node: dict) -> dict:
    """`node`, or what its `$ref` ("#/components/schemas/...") points to."""
    while "$ref" in node:
        path, node = node["$ref"].removeprefix("#/"), spec
        for part in path.split("/"):
            node = node[part]
    return node


def parameter_examples(spec: dict, param: dict) -> list[Any]:
    """The values /docs offers for a parameter, the prefilled one first."""
    param = resolve(spec, param)
    if param.get("examples"):
        return [example["value"] for example in param["examples"].values()]
    if "example" in param:
        return [param["example"]]
    schema = resolve(spec, param.get("schema", {}))
    for key in ("example", "default"):
        if key in schema:
            return [schema[key]]
    return []


def body_examples(spec: dict, op: Operation) -> tuple[str, list[Any]] | None:
    """(media type, every example body /docs offers); None when there is no body."""
    if "requestBody" not in op.spec:
        return None
    media_type, content = next(iter(resolve(spec, op.spec["requestBody"])["content"].items()))
    if content.get("examples"):
        values = []
        for example in content["examples"].values():
            example = resolve(spec, example)
            values.append(example.get("value", example))  # {"externalValue": ...} stays whole
        return media_type, values
    if "example" in content:
        return media_type, [content["example"]]
    schema = resolve(spec, content.get("schema", {}))
    if schema.get("examples"):
        return media_type, list(schema["examples"])
    return media_type, [schema["example"]] if "example" in schema else []


def missing_examples(spec: dict, op: Operation) -> list[str]:
    params = [resolve(spec, p) for p in op.spec.get("parameters", [])]
    missing = [
        f"{op}: parameter {p['name']!r} has no example"
        for p in params
        if p.get("required") and not parameter_examples(spec, p)
    ]
    body = body_examples(spec, op)
    required = body is not None and resolve(spec, op.spec["requestBody"]).get("required")
    if required and not body[1]:
        missing.append(f"{op}: the {body[0]} body has no example")
    return missing


def requests_for(spec: dict, op: Operation) -> list[Request]:
    """The first example of every parameter with each example body; then each further
    parameter example with the first body."""
    params = [resolve(spec, p) for p in op.spec.get("parameters", [])]
    choices = {(p["in"], p["name"]): parameter_examples(spec, p) for p in params}
    choices = {key: values for key, values in choices.items() if values}
    body = body_examples(spec, op)
    bodies = [(body[0], value) for value in body[1]] if body and body[1] else [None]

    def request(picks: dict, body) -> Request:
        made = Request(body=body)
        for (where, name), value in picks.items():
            made.params.setdefault(where, {})[name] = value
        return made

    first = {key: values[0] for key, values in choices.items()}
    made = [request(first, b) for b in bodies]
    for key, values in choices.items():
        made += [request({**first, key: value}, bodies[0]) for value in values[1:]]
    return made


# -- sending -----------------------------------------------------------------------------------


class Runner:
    def __init__(self, client: TestClient, spec: dict) -> None:
        self.client, self.spec = client, spec
        self.ops = {
            (op.method, op.path): op
            for op in operations(spec)
            if not op.path.startswith(TOKEN_ROUTES)
        }
        self.made: dict[str, str] = {}  # collection path -> the id its POST example made
        self.collections: set[str] = set()  # the collections whose ids are made at runtime

    def creator(self, collection: str) -> Operation | None:
        return self.ops.get(("post", collection))

    def runtime_ids(self, op: Operation, request: Request) -> dict[str, str]:
        """{path parameter: collection} for the ids this request must get at runtime."""
        found = {}
        for name in op.path_params:
            collection = op.path.split("/{" + name + "}")[0]
            value = request.params["path"][name]
            if self.creator(collection) is None:
                continue
            if op.method == "delete" or self.client.get(f"{collection}/{value}").status_code == 404:
                found[name] = collection
        return found

    def send(self, op: Operation, request: Request):
        url = op.path
        for name, value in request.params.get("path", {}).items():
            url = url.replace("{" + name + "}", str(value))
        kwargs: dict[str, Any] = {
            "params": request.params.get("query", {}),
            "headers": {k: str(v) for k, v in request.params.get("header", {}).items()},
        }
        if request.body is not None:
            media_type, value = request.body
            if isinstance(value, dict) and "externalValue" in value:
                fetched = self.client.get(value["externalValue"])
                assert fetched.status_code == 200, f"{op}: {value['externalValue']} is not served"
                value = fetched.content
            if media_type == "application/json":
                kwargs["json"] = value
            else:
                kwargs["content"] = value
                kwargs["headers"]["content-type"] = media_type
        if op.streams:
            with self.client.stream(op.method.upper(), url, **kwargs) as response:
                body = b"".join(response.iter_bytes())  # a stream ends when what it follows ends
            return response, body
        response = self.client.request(op.method.upper(), url, **kwargs)
        return response, response.content

    def run(self, op: Operation, request: Request) -> Any:
        """Send the request; assert the operation's one documented 2xx; return the JSON answer
        (or None)."""
        response, content = self.send(op, request)
        documented = [code for code in op.spec["responses"] if code.startswith("2")]
        assert [str(response.status_code)] == documented, (
            f"{op} with its example {request} answered {response.status_code} (documented: "
            f"{documented}): {content[:500]!r}"
        )
        if not response.headers.get("content-type", "").startswith("application/json"):
            return None
        answer = response.json()
        if op.method == "post" and op.path in self.collections and "id" in answer:
            self.made.setdefault(op.path, answer["id"])  # the first thing it made serves the rest
        return answer

    def create(self, collection: str) -> str:
        """Run the collection's POST with its first example; return the id it made."""
        creator = self.creator(collection)
        answer = self.run(creator, requests_for(self.spec, creator)[0])
        assert isinstance(answer, dict) and "id" in answer, f"{creator} made no id: {answer}"
        return answer["id"]


def test_every_operation_has_an_example_for_each_required_input(client):
    spec = client.get("/openapi.json").json()
    ops = operations(spec)
    assert len(ops) >= 24
    missing = [problem for op in ops for problem in missing_examples(spec, op)]
    assert not missing, "\n".join(missing)


def test_every_example_in_the_docs_works(client, tiny_data):
    spec = client.get("/openapi.json").json()
    runner = Runner(client, spec)
    planned: list[tuple[Operation, Request, dict[str, str]]] = [
        (op, request, runner.runtime_ids(op, request))
        for op in runner.ops.values()
        for request in requests_for(spec, op)
    ]
    # A collection's POST makes the thing its runtime ids name (a fresh one for each delete);
    # the operations on it follow at once, streams last. Everything else runs first.
    runner.collections = {collection for *_, ids in planned for collection in ids.values()}

    def creates(item) -> bool:
        return item[0].method == "post" and item[0].path in runner.collections

    ordered = [item for item in planned if not item[2] and not creates(item)]
    ordered.sort(key=lambda item: item[0].streams)
    for collection in sorted(runner.collections):
        ordered += [item for item in planned if creates(item) and item[0].path == collection]
        group = [item for item in planned if collection in item[2].values()]
        ordered += sorted(group, key=lambda item: item[0].streams)
    assert len(ordered) == len(planned)

    sent = set()
    for op, request, ids in ordered:
        for name, collection in ids.items():
            if op.method == "delete":
                request.params["path"][name] = runner.create(collection)
            else:
                if collection not in runner.made:
                    runner.made[collection] = runner.create(collection)
                request.params["path"][name] = runner.made[collection]
        runner.run(op, request)
        sent.add((op.method, op.path))
    assert sent == set(runner.ops)

    # The training example really trained, and was stopped: no worker is left running.
    jobs = [job.record() for job in client.app.state.jobs.jobs()]
    assert jobs and all(job["state"] == "done" and job["stopped"] for job in jobs), jobs
