"""Loaded models, bounded in bytes: the store keeps the models requests use in memory, evicting the
least recently used when they would hold more than their budget.

Layers keep their last forward pass for backward (and reuse scratch buffers), so a model object
must not run two requests at once: each entry carries a lock that callers hold while computing.
An entry whose lock is held is never evicted; one evicted between a request's lookup and its
computation stays alive in that request (it holds a reference) and is freed when it ends, so
eviction never breaks a request. The bound is therefore on what the cache holds; requests in
flight can add at most one model each.
"""

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cnnviz.models.limits import INPUT_SHAPE, multiply_adds
from cnnviz.models.summary import summary_of
from cnnviz.nn import Sequential

#: What the store's loaded models may hold by default: a few models at the parameter limit
#: (`resident_bytes` of 5 million float64 weights is over 80 MB), hundreds of the bundled size.
CACHE_BYTES = 256 * 1024 * 1024


def resident_bytes(model: Sequential) -> int:
    """What a loaded model holds between requests: its weights, their gradients after a backward
    pass, and for one sample each layer's output, pre-activation and gradient, plus a conv or
    pool layer's window columns and their gradient (kept in its workspace)."""
    weights = sum(p.nbytes for layer in model for p in layer.params.values())
    shape, per_sample = tuple(model.input_shape or INPUT_SHAPE), 0
    for layer in model:
        out = tuple(layer.output_shape(shape))
        per_sample += 3 * math.prod(out)
        geometry = getattr(layer, "geometry", None)
        if geometry is not None:
            per_sample += 2 * shape[0] * math.prod(geometry.kernel) * math.prod(out[1:])
        shape = out
    return 2 * weights + per_sample * model.dtype.itemsize


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

    @cached_property
    def size(self) -> int:
        """The bytes it counts for in the cache (`resident_bytes`)."""
        return resident_bytes(self.model)

    def summary(self) -> dict:
        return summary_of(self.id, self.meta, self.builtin)


class LoadedModels:
    """Entries by id, least recently used first, holding at most `max_bytes` of entries that no
    request holds. Every method takes the cache's lock only for dictionary work: never while a
    model loads or computes, so the event loop may call `get`."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, ModelEntry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """What the cached entries count for, together."""
        return self._bytes

    def get(self, model_id: str, path: Path) -> ModelEntry | None:
        """The entry for `model_id` loaded from `path`, now the most recently used; else None."""
        with self._lock:
            entry = self._entries.get(model_id)
            if entry is None or entry.path != path:
                return None
            self._entries.move_to_end(model_id)
            return entry

    def put(self, entry: ModelEntry) -> None:
        """Keep `entry` as the most recently used, then evict others, oldest first, while the
        cache is over its bound (skipping those a request holds; never `entry` itself)."""
        size = entry.size  # computed outside the lock
        with self._lock:
            self._remove(entry.id)
            self._entries[entry.id] = entry
            self._bytes += size
            for other in list(self._entries.values()):
                if self._bytes <= self.max_bytes:
                    break
                if other is not entry and not other.lock.locked():
                    self._remove(other.id)

    def pop(self, model_id: str) -> None:
        with self._lock:
            self._remove(model_id)

    def _remove(self, model_id: str) -> None:
        entry = self._entries.pop(model_id, None)
        if entry is not None:
            self._bytes -= entry.size
