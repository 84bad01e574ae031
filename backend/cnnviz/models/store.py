"""The models a server offers: the bundled ones and the ones its users create, train or import.

User models live in one folder as `<id>.npz` (spec, weights and metadata in one file), written
atomically, so after a restart they are all listed again. Ids are generated or validated against
ID_PATTERN and only ever joined to that folder, never used as raw paths.

Layers keep their last forward pass for backward (and reuse scratch buffers), so a model object
must not run two requests at once: each entry carries a lock that callers hold while computing.
"""

import re
import secrets
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cnnviz.models.bundled import DEFAULT_MODEL, PRETRAINED_DIR, pretrained_ids
from cnnviz.models.errors import ModelNotFoundError, ModelStoreError
from cnnviz.models.limits import multiply_adds
from cnnviz.models.upload import model_from_upload
from cnnviz.nn import Sequential, read_metadata

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass
class ModelEntry:
    id: str
    model: Sequential
    meta: dict
    builtin: bool
    path: Path
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def multiply_adds(self) -> int:
        """What one forward pass costs per sample (see `cnnviz.models.limits.multiply_adds`)."""
        return multiply_adds(self.model)

    def summary(self) -> dict:
        """What a model list shows: id, name, preset, dataset, accuracy, default, builtin."""
        evaluation = self.meta.get("evaluation") or {}
        return {
            "id": self.id,
            "name": self.meta.get("name") or self.id,
            "preset": self.meta.get("preset"),
            "dataset": self.meta.get("dataset"),
            "accuracy": evaluation.get("accuracy"),
            "default": self.id == DEFAULT_MODEL,
            "builtin": self.builtin,
            "trained": bool(evaluation),
        }


class ModelStore:
    def __init__(self, models_dir: Path) -> None:
        self.models_dir = Path(models_dir)
        self._entries: dict[str, ModelEntry] = {}
        self._lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------------
    def ids(self) -> list[str]:
        user = sorted(p.stem for p in self._user_files())
        return [*pretrained_ids(), *(i for i in user if i not in pretrained_ids())]

    def summaries(self) -> list[dict]:
        return [self.get(model_id).summary() for model_id in self.ids()]

    def get(self, model_id: str) -> ModelEntry:
        """The loaded model `model_id` (loaded once, then cached)."""
        path, builtin = self._locate(model_id)
        with self._lock:
            entry = self._entries.get(model_id)
            if entry is None or entry.path != path:
                entry = ModelEntry(
                    model_id, Sequential.load(path), read_metadata(path), builtin, path
                )
                self._entries[model_id] = entry
            return entry

    def loaded(self, model_id: str) -> ModelEntry | None:
        """The model `model_id` if it is in memory already, else None (an unknown id raises as
        `get` does): for callers on the event loop, which must not wait for a load from disk."""
        path, _ = self._locate(model_id)
        entry = self._entries.get(model_id)  # no lock: `get` may hold it while it loads
        return entry if entry is not None and entry.path == path else None

    # -- writing -------------------------------------------------------------------------------
    def add(self, model: Sequential, meta: dict, prefix: str = "model") -> ModelEntry:
        """Save `model` as a new user model under a fresh id `<prefix>-<random>`."""
        model_id = self._new_id(prefix)
        self.models_dir.mkdir(parents=True, exist_ok=True)
        path = self.models_dir / f"{model_id}.npz"
        model.save(path, metadata={**meta, "id": model_id})
        return self.get(model_id)

    def import_file(self, data: bytes) -> ModelEntry:
        """Validate an uploaded .npz (see `cnnviz.models.upload`: never unpickled, sizes checked
        before anything is allocated) and keep it as a user model."""
        model, meta = model_from_upload(data)
        return self.add(
            model, meta, prefix=meta.get("name") or meta.get("original_id") or "imported"
        )

    def delete(self, model_id: str) -> None:
        path, builtin = self._locate(model_id)
        if builtin:
            raise ModelStoreError(f"{model_id} is a bundled model; only user models can be deleted")
        with self._lock:
            path.unlink(missing_ok=True)
            self._entries.pop(model_id, None)

    def export_path(self, model_id: str) -> Path:
        return self._locate(model_id)[0]

    # -- helpers -------------------------------------------------------------------------------
    def _user_files(self) -> list[Path]:
        if not self.models_dir.is_dir():
            return []
        return [p for p in self.models_dir.glob("*.npz") if ID_PATTERN.match(p.stem)]

    def _locate(self, model_id: str) -> tuple[Path, bool]:
        if not isinstance(model_id, str) or not ID_PATTERN.match(model_id):
            raise ModelNotFoundError(
                f"{model_id!r} is not a model id (lowercase letters, digits and dashes)"
            )
        if model_id in pretrained_ids():
            return PRETRAINED_DIR / f"{model_id}.npz", True
        path = self.models_dir / f"{model_id}.npz"
        if not path.is_file():
            raise ModelNotFoundError(f"no model {model_id!r}; GET /api/models lists them")
        return path, False

    def _new_id(self, prefix: str) -> str:
        prefix = re.sub(r"[^a-z0-9-]+", "-", prefix.lower()).strip("-")[:40] or "model"
        while True:
            model_id = f"{prefix}-{secrets.token_hex(3)}"
            if model_id not in self.ids():
                return model_id
