"""The models that ship with cnnviz, found by id ("lenet5-mnist") without any path.

Each is an .npz written by `cnnviz train` (spec, weights, and metadata saying how it was made)
with a Markdown model card of the same name beside it. `resolve_model` also takes a path, so
every command that takes a model takes either.
"""

from functools import cache
from pathlib import Path

from cnnviz.models.errors import ModelNotFoundError
from cnnviz.nn import Sequential, read_metadata

PRETRAINED_DIR = Path(__file__).resolve().parent / "pretrained"
DEFAULT_MODEL = "lenet5-mnist"


@cache
def pretrained_ids() -> tuple[str, ...]:
    """The bundled model ids (read once: the package's files do not change while it runs)."""
    return tuple(sorted(path.stem for path in PRETRAINED_DIR.glob("*.npz")))


def resolve_model(id_or_path: str | Path) -> Path:
    """The .npz file for a bundled model id or an existing path."""
    text = str(id_or_path)
    if text in pretrained_ids():
        return PRETRAINED_DIR / f"{text}.npz"
    path = Path(text).expanduser()
    if path.is_file():
        return path
    raise ModelNotFoundError(
        f"no model {text!r}: not a bundled model ({', '.join(pretrained_ids()) or 'none'}) "
        "and no such file"
    )


def load_model(id_or_path: str | Path) -> tuple[Sequential, dict]:
    """(model, metadata) for a bundled model id or a path to an .npz model file."""
    path = resolve_model(id_or_path)
    return Sequential.load(path), read_metadata(path)


def model_card(model_id: str) -> str:
    """The Markdown model card of a bundled model."""
    card = resolve_model(model_id).with_suffix(".md")
    return card.read_text(encoding="utf-8") if card.is_file() else ""
