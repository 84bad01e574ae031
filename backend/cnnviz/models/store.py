"""The models a server offers: the bundled ones and the ones its users create, train or import.

User models live in one folder as `<id>.npz` (spec, weights and metadata in one file), written
atomically, so after a restart they are all listed again. Ids are generated or validated with
`cnnviz.ids` and only ever joined to that folder, never used as raw paths; no message the store
raises names a server path.

Listing reads only each file's metadata (cached by the file's modification time and size), never
its weights. Models that requests use are loaded once and kept in a cache bounded in bytes
(`cnnviz.models.cache`). Every model read from a file obeys the same limits as one a client
creates (`cnnviz.models.limits`). A write that fails (a full disk, a quota, a read-only folder)
raises ModelStorageError, leaves no partial file, and partial files a killed server left are
removed when a store opens its folder.
"""

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from cnnviz.ids import is_id, new_id
from cnnviz.models.bundled import PRETRAINED_DIR, pretrained_ids
from cnnviz.models.cache import CACHE_BYTES, LoadedModels, ModelEntry
from cnnviz.models.errors import ModelNotFoundError, ModelStorageError, ModelStoreError
from cnnviz.models.limits import check_model, check_spec
from cnnviz.models.metadata import with_classes
from cnnviz.models.summary import summary_of
from cnnviz.models.upload import model_from_upload
from cnnviz.nn import Sequential
from cnnviz.nn.losses import class_count
from cnnviz.nn.serialize import PARTIAL_SUFFIX, load_model, read_metadata

#: Seconds after which a partial file is a leftover, not a save in progress.
PARTIAL_FILE_AGE = 600

#: Loads of different models run in parallel; of one model, once (striped by id).
LOAD_LOCKS = 16

Read = TypeVar("Read")


class ModelStore:
    def __init__(self, models_dir: Path, cache_bytes: int = CACHE_BYTES) -> None:
        self.models_dir = Path(models_dir)
        self._loaded = LoadedModels(cache_bytes)
        self._load_locks = [threading.Lock() for _ in range(LOAD_LOCKS)]
        #: path -> ((mtime_ns, size), summary) of files listed before
        self._summaries: dict[Path, tuple[tuple[int, int], dict]] = {}
        self._summaries_lock = threading.Lock()
        #: Adds, renames and deletes one at a time: a rename never brings back a deleted file.
        self._write_lock = threading.Lock()
        self._sweep_partial_files()

    # -- reading -------------------------------------------------------------------------------
    def ids(self) -> list[str]:
        user = sorted(p.stem for p in self._user_files())
        return [*pretrained_ids(), *(i for i in user if i not in pretrained_ids())]

    def summary(self, model_id: str) -> dict:
        """The model list's row for `model_id`, from its file's metadata alone (weights are never
        read), cached until the file changes."""
        path, builtin = self._locate(model_id)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise self._vanished(model_id) from None
        version = (stat.st_mtime_ns, stat.st_size)
        with self._summaries_lock:
            known = self._summaries.get(path)
        if known is not None and known[0] == version:
            return known[1]
        meta = self._read(model_id, path, read_metadata)
        row = summary_of(model_id, meta, builtin)
        with self._summaries_lock:
            self._summaries[path] = (version, row)
        return row

    def get(self, model_id: str) -> ModelEntry:
        """The loaded model `model_id` (loaded once, then cached while it is used)."""
        path, builtin = self._locate(model_id)
        with self._load_locks[hash(model_id) % LOAD_LOCKS]:
            entry = self._loaded.get(model_id, path)
            if entry is None:
                entry = self._load(model_id, path, builtin)
                self._loaded.put(entry)
            return entry

    def loaded(self, model_id: str) -> ModelEntry | None:
        """The model `model_id` if it is in memory already, else None (an unknown id raises as
        `get` does): for callers on the event loop, which must not wait for a load from disk."""
        path, _ = self._locate(model_id)
        return self._loaded.get(model_id, path)

    @property
    def cached_bytes(self) -> int:
        """What the loaded models count for (at most the cache's bound, plus models in use)."""
        return self._loaded.bytes

    def open_export(self, model_id: str) -> BinaryIO:
        """The model's file, open for reading: a delete after this cannot cut a download short."""
        path, _ = self._locate(model_id)
        try:
            return path.open("rb")
        except FileNotFoundError:
            raise self._vanished(model_id) from None

    # -- writing -------------------------------------------------------------------------------
    def add(self, model: Sequential, meta: dict, prefix: str = "model") -> ModelEntry:
        """Save `model` as a new user model under a fresh id `<prefix>-<random>`. Its classes
        are recorded (`with_classes`), so every model the store adds can say what it knows."""
        with self._write_lock:
            model_id = new_id(prefix, taken=lambda candidate: candidate in self.ids())
            path = self.models_dir / f"{model_id}.npz"
            meta = with_classes({**meta, "id": model_id}, class_count(model.output_shapes()[-1][0]))
            entry = ModelEntry(model_id, model, self._write(model, path, meta), False, path)
        self._loaded.put(entry)
        return entry

    def rename(self, model_id: str, name: str) -> ModelEntry:
        """Give user model `model_id` the display name `name` (checked by the caller), kept in
        its file, so a restart, a listing by another store and an export all carry it. The file
        is rewritten whole and atomically (spec, weights and the new metadata)."""
        with self._write_lock:
            path, builtin = self._locate(model_id)
            if builtin:
                raise ModelStoreError(
                    f"{model_id} is a bundled model; only user models can be renamed"
                )
            entry = self.get(model_id)
            with entry.lock:  # no request computes with the model while its file is written
                entry.meta = self._write(entry.model, path, {**entry.meta, "name": name})
            with self._summaries_lock:
                self._summaries.pop(path, None)
            return entry

    def import_file(self, data: bytes) -> ModelEntry:
        """Validate an uploaded .npz (see `cnnviz.models.upload`: never unpickled, sizes checked
        before anything is allocated, the same limits as a created model) and keep it."""
        model, meta = model_from_upload(data)
        prefix = meta.get("name") or meta.get("original_id") or "imported"
        return self.add(model, meta, prefix=prefix)

    def delete(self, model_id: str) -> None:
        with self._write_lock:
            path, builtin = self._locate(model_id)
            if builtin:
                raise ModelStoreError(
                    f"{model_id} is a bundled model; only user models can be deleted"
                )
            path.unlink(missing_ok=True)
            self._loaded.pop(model_id)
            with self._summaries_lock:
                self._summaries.pop(path, None)

    # -- helpers -------------------------------------------------------------------------------
    def _write(self, model: Sequential, path: Path, meta: dict) -> dict:
        """Save `model` with `meta` to `path` atomically; the metadata as a load will read it."""
        meta = json.loads(json.dumps(meta))
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True)
            model.save(path, metadata=meta)
        except OSError as exc:
            raise ModelStorageError(
                f"the model could not be saved: {exc.strerror or type(exc).__name__}; the "
                "server's models folder needs free space (or write access)"
            ) from None
        return meta

    def _user_files(self) -> list[Path]:
        if not self.models_dir.is_dir():
            return []
        return [p for p in self.models_dir.glob("*.npz") if is_id(p.stem)]

    def _locate(self, model_id: str) -> tuple[Path, bool]:
        if not is_id(model_id):
            raise ModelNotFoundError(
                f"{model_id!r} is not a model id (lowercase letters, digits and dashes)"
            )
        if model_id in pretrained_ids():
            return PRETRAINED_DIR / f"{model_id}.npz", True
        path = self.models_dir / f"{model_id}.npz"
        if not path.is_file():
            raise self._vanished(model_id)
        return path, False

    @staticmethod
    def _vanished(model_id: str) -> ModelNotFoundError:
        return ModelNotFoundError(f"no model {model_id!r}; GET /api/models lists them")

    def _read(self, model_id: str, path: Path, read: Callable[[BinaryIO, str], Read]) -> Read:
        """`read(file, label)` on the model's file, opened once; a file deleted before it opens
        is a ModelNotFoundError, and messages name the model, not the path."""
        try:
            with path.open("rb") as file:
                return read(file, f"model {model_id!r}")
        except FileNotFoundError:
            raise self._vanished(model_id) from None

    def _load(self, model_id: str, path: Path, builtin: bool) -> ModelEntry:
        def read(file: BinaryIO, label: str) -> tuple[Sequential, dict]:
            model = load_model(Sequential, file, label, check_spec=check_spec)
            file.seek(0)
            return model, read_metadata(file, label)

        model, meta = self._read(model_id, path, read)
        check_model(model)
        return ModelEntry(model_id, model, meta, builtin, path)

    def _sweep_partial_files(self) -> None:
        """Remove files a save left half-written (a process killed mid-write): they are never
        models. Only old ones: with a broker, other processes (API replicas, training workers)
        share the folder, and a save takes seconds, not `PARTIAL_FILE_AGE`."""
        if not self.models_dir.is_dir():
            return
        for partial in self.models_dir.glob(f"*{PARTIAL_SUFFIX}"):
            try:
                if time.time() - partial.stat().st_mtime > PARTIAL_FILE_AGE:
                    os.unlink(partial)
            except OSError:
                continue  # gone already, or a read-only folder: nothing was written there
