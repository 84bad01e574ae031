"""Model cards: what a trained model is, how it was made, and how well it does.

`cnnviz train` records the facts as the model file's metadata; the card is rendered from that
same dictionary, so the Markdown beside a model never disagrees with the file it describes.
"""

from typing import Any

from cnnviz.nn import Sequential


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}%"


def _augmentation(aug: dict | None) -> str:
    if not aug:
        return "none"
    low, high = aug["scale"]
    text = (
        f"random affine per batch: rotation ±{aug['rotation']:g}°, scale {low:g}-{high:g}, "
        f"shear ±{aug['shear']:g}°, shift ±{aug['shift']:g} px"
    )
    if aug.get("elastic_alpha"):
        text += f", elastic ±{aug['elastic_alpha']:g} px"
    return text


def _kept_epoch(meta: dict[str, Any]) -> list[str]:
    """The card's line for a run that kept its best epoch (`keep_best`): the weights are that
    epoch's, not the last one's, so the card must say which; nothing for other runs."""
    if meta.get("best_epoch") is None:
        return []
    of = meta.get("config", {}).get("epochs")
    return [
        f"- Kept epoch {meta['best_epoch']}{f' of {of}' if of else ''}, the best on validation "
        f"({_percent(meta.get('best_validation_accuracy'))}); the later epochs' weights were "
        "not kept"
    ]


def render_model_card(model: Sequential, meta: dict[str, Any]) -> str:
    """Markdown for `model`, from the metadata `cnnviz train` saved with it."""
    evaluation = meta.get("evaluation", {})
    classes = meta.get("class_names", [])
    per_class = evaluation.get("per_class_accuracy") or []
    config = meta.get("config", {})
    lines = [
        f"# {meta.get('id', 'model')}",
        "",
        meta.get("description", ""),
        "",
        "## Architecture",
        "",
        f"Preset `{config.get('model', 'custom')}`, {model.parameter_count:,} parameters, "
        f"{model.dtype.name}.",
        "",
        "```",
        model.summary(),
        "```",
        "",
        "## Training",
        "",
        f"- Data: {meta.get('training_data', 'n/a')}",
        f"- Command: `{meta.get('command', 'n/a')}`",
        f"- Seed {config.get('seed')}, {config.get('epochs')} epochs, batch size "
        f"{config.get('batch_size')}, optimizer {config.get('optimizer')} "
        f"(learning rate {config.get('lr')}, schedule {config.get('lr_schedule', 'constant')})",
        f"- Augmentation: {_augmentation(config.get('augmentation'))}",
        *_kept_epoch(meta),
        f"- Trained on {meta.get('trained_at', 'n/a')} in {meta.get('training_seconds', 0):.0f} s "
        f"with cnnviz {meta.get('cnnviz_version', '?')} and NumPy {meta.get('numpy_version', '?')}",
        "",
        "## Evaluation",
        "",
        f"- {meta.get('evaluated_on', 'n/a')}: accuracy **{_percent(evaluation.get('accuracy'))}**",
    ]
    if per_class:
        lines += ["", "| class | accuracy |", "|---|---|"]
        lines += [
            f"| {name} | {_percent(acc)} |" for name, acc in zip(classes, per_class, strict=False)
        ]
    lines += [
        "",
        "## Use and limits",
        "",
        "Made for teaching: it reads centred, MNIST-style digits (the app's preprocessing makes a "
        "drawing look like one). It was trained on handwritten digits only; anything else gets a "
        "confident but meaningless answer.",
        "",
    ]
    return "\n".join(lines)
