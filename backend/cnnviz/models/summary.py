"""A model's row in the model list: who it is, what it knows and how well, read from its file's
metadata alone, so listing never reads weights."""

from cnnviz.models.bundled import DEFAULT_MODEL
from cnnviz.models.labels import accuracy_text, classes_warning, model_classes, model_label


def summary_of(model_id: str, meta: dict, builtin: bool) -> dict:
    """id, the name to show (a user's choice, else the composed label), the label, the classes,
    the accuracy alone and with its classes, the Draw view's warning, and where it comes from."""
    evaluation = meta.get("evaluation") or {}
    label = model_label(meta)
    return {
        "id": model_id,
        "name": meta.get("name") or label,
        "label": label,
        "preset": meta.get("preset"),
        "dataset": meta.get("dataset"),
        "classes": model_classes(meta),
        "accuracy": evaluation.get("accuracy"),
        "accuracy_text": accuracy_text(meta),
        "classes_warning": classes_warning(meta),
        "default": model_id == DEFAULT_MODEL,
        "builtin": builtin,
        "trained": bool(evaluation),
    }
