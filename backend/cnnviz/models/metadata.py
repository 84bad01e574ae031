"""What a model file records about itself: how it was trained (the metadata `cnnviz train` and the
server's training jobs save with it) and its class names.

The model card is rendered from this same record (`cnnviz.models.card`).
"""

import datetime

import numpy as np

import cnnviz
from cnnviz.data import dataset_status, get_dataset
from cnnviz.train import TrainConfig


def class_names(meta: dict, count: int) -> list[str]:
    """A model's class names from its metadata, or "0".."count-1" when it has none that fit."""
    names = meta.get("class_names")
    if isinstance(names, list) and len(names) == count:
        return [str(name) for name in names]
    return [str(k) for k in range(count)]


def with_classes(meta: dict, count: int) -> dict:
    """`meta` with the classes of a model of `count` outputs: the dataset labels its outputs
    stand for (`classes`) and their names (`class_names`), each kept when it fits and otherwise
    0..count-1, the convention a model without a record of its classes is read by."""
    labels = meta.get("classes")
    if not (
        isinstance(labels, list)
        and len(labels) == count
        and all(isinstance(k, int) and not isinstance(k, bool) for k in labels)
    ):
        labels = list(range(count))
    names = meta.get("class_names")
    if not (isinstance(names, list) and len(names) == count):
        names = [str(k) for k in labels]
    return {**meta, "classes": labels, "class_names": [str(name) for name in names]}


def _split_status(dataset: str, split: str, data_dir):
    status = dataset_status(dataset, root=data_dir).splits[split]
    return status, bool(status.images.official and status.labels.official)


def _describe_split(dataset: str, split: str, count: int, data_dir) -> str:
    """E.g. 'the official MNIST test split (10,000 images)'."""
    _, official = _split_status(dataset, split, data_dir)
    which = "the official" if official else "a local (not the official)"
    return f"{which} {get_dataset(dataset).title} {split} split ({count:,} images)"


def _describe_data(config: TrainConfig, start: dict, data_dir) -> str:
    """What the model learned from; says so when the training file is not the official one."""
    info = get_dataset(config.dataset)
    status, official = _split_status(config.dataset, "train", data_dir)
    if status.count is None:  # the file went away while the job trained
        source = f"a {info.title} training file no longer on the server"
    elif official:
        source = f"the official {info.title} training file ({status.count:,} images)"
    else:
        source = (
            f"a {status.count:,}-image {info.title} training file (the official one has "
            f"{info.train.count:,})"
        )
    return (
        f"{start['train_size']:,} images from {source}; "
        f"{start['validation_size']:,} held out for validation"
    )


def trained_model_metadata(
    config: TrainConfig,
    start: dict,
    done: dict,
    *,
    seconds: float,
    data_dir=None,
    trained_with: str = "`cnnviz train`",
) -> dict:
    """The record saved with a trained model, from its run's `start` and `done` events.

    Shared by `cnnviz train` (which adds the id and the command) and the server's training jobs.
    """
    info = get_dataset(config.dataset)
    if done.get("evaluated_on") == "validation":
        evaluated_on = f"the {done['count']:,} images held out for validation"
    elif done.get("evaluated_on") == "test":
        evaluated_on = _describe_split(config.dataset, "test", done["count"], data_dir)
    else:
        evaluated_on = None
    evaluation = (
        {
            "accuracy": done["accuracy"],
            "loss": done["loss"],
            "per_class_accuracy": done["per_class_accuracy"],
            "confusion_matrix": done["confusion_matrix"],
        }
        if done.get("accuracy") is not None
        else {}
    )
    return {
        "description": (
            f"The `{config.model}` preset trained with {trained_with} on {info.title}."
            if config.spec is None
            else f"A custom network trained with {trained_with} on {info.title}."
        ),
        "preset": config.model if config.spec is None else None,
        "dataset": config.dataset,
        "classes": start["classes"],
        "class_names": start["class_names"],
        "config": config.to_dict(),
        "training_data": _describe_data(config, start, data_dir),
        "evaluated_on": evaluated_on,
        "evaluation": evaluation,
        "stopped_early": bool(done.get("stopped")),
        # keep_best: the epoch whose weights the file holds, and its validation accuracy
        "best_epoch": done.get("best_epoch"),
        "best_validation_accuracy": done.get("best_accuracy"),
        "trained_at": datetime.date.today().isoformat(),
        # to the minute, for the model's label ("1 Dec 14:05"); `trained_at` is the card's day
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "training_seconds": round(seconds, 1),
        "cnnviz_version": cnnviz.__version__,
        "numpy_version": np.__version__,
        "dtype": "float32",
    }
