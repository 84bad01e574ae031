"""The checks of a training configuration that need more than a range: the classes against the
dataset, the network against the classes, the optimizer and its arguments, and the parameter
groups against the network's layers. Each records what it finds in a `Problems`."""

from collections import Counter
from typing import Any

from ..data.registry import get_dataset
from ..nn import Sequential, build_model, make_optimizer
from ..nn.presets import MNIST_SHAPE, PRESETS
from .problems import Problems, outputs_problem
from .ranges import (
    MAX_GROUP_LAYERS,
    MAX_NAME_LENGTH,
    MAX_PARAM_GROUPS,
    RANGES,
    in_range,
    is_int,
    optimizer_kwargs_problem,
    range_problem,
)

#: The keys of one parameter group; optimizer_kwargs may be left out.
GROUP_KEYS = ("layers", "optimizer", "lr", "optimizer_kwargs")


def _shown(value: Any) -> str:
    """`value` as a message quotes it: its repr, cut to 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_classes(dataset: Any, classes: Any, problems: Problems) -> int | None:
    """Check `classes` against `dataset`; returns how many classes the run learns (None when
    the dataset is unknown and no valid list says)."""
    n_dataset = None
    try:
        info = get_dataset(dataset) if isinstance(dataset, str) else None
        problems.need(info is not None, f"dataset must be a name, got {dataset!r}")
        n_dataset = len(info.classes) if info else None
    except ValueError as exc:
        problems.add(str(exc))
    if classes is None:
        return n_dataset
    if not isinstance(classes, list | tuple) or not all(is_int(c) for c in classes):
        problems.add(f"classes must be a list of class labels, got {classes!r}")
        return n_dataset
    duplicates = sorted(c for c, n in Counter(classes).items() if n > 1)
    problems.need(
        len(classes) >= 2,
        f"classes needs at least 2 labels, got {list(classes)}",
        "classes",
        "choose at least 2",
    )
    problems.need(not duplicates, f"classes has duplicates: {duplicates}")
    if n_dataset is not None and len(classes) > n_dataset:
        problems.add(
            f"classes has {len(classes):,} labels, but {dataset} has {n_dataset}; list each of "
            f"0..{n_dataset - 1} at most once"
        )
    elif n_dataset is not None:
        bad = [c for c in classes if not 0 <= c < n_dataset]
        problems.need(not bad, f"classes {bad} are not labels of {dataset}; use 0..{n_dataset - 1}")
    return len(classes)


def check_network(
    model: str, spec: Any, num_classes: int | None, problems: Problems
) -> tuple[list[str] | None, tuple[int, ...] | None]:
    """Check the preset or spec against the classes; returns its layer names and its output
    shape for one sample (None, None when it cannot be built). A preset's last Dense layer is
    resized to the classes, except a one-output (sigmoid) head, which learns exactly two."""
    if spec is None:
        if model not in PRESETS:
            problems.add(
                f"unknown model {model!r}; choose one of {', '.join(PRESETS)} or give a spec"
            )
            return None, None
        net = build_model(model)
        head = net.output_shapes(net.input_shape or MNIST_SHAPE)[-1]
        if head == (1,) and num_classes is not None and num_classes != 2:
            problems.add(f"model {model!r}: {outputs_problem(head, num_classes)}")
        return net.names, head
    try:
        # Building draws the weights: a client's spec passes the size limits
        # (`cnnviz.models.limits.check_spec`) before it gets here.
        net = Sequential.from_spec(spec)
        outputs = net.output_shapes(net.input_shape or MNIST_SHAPE)[-1]
    except (ValueError, TypeError, KeyError) as exc:
        problems.add(f"spec: {exc}")
        return None, None
    if num_classes is not None and (problem := outputs_problem(outputs, num_classes)):
        problems.add(f"spec: {problem}")
    return net.names, outputs


def optimizer_problem(optimizer: Any, lr: Any, kwargs: Any, where: str = "") -> str | None:
    """Why `optimizer` with `lr` and `kwargs` cannot be built, or None; `where` prefixes the
    message with whose optimizer it is ("param_groups[0]: ")."""
    if not isinstance(kwargs, dict):
        return f"{where}optimizer_kwargs must be an object, got {kwargs!r}"
    if problem := optimizer_kwargs_problem(kwargs):
        return where + problem
    if not isinstance(optimizer, str):
        return f"{where}optimizer must be a name, got {optimizer!r}"
    if "lr" in kwargs:
        return f"{where}optimizer_kwargs must not hold lr; set the lr field"
    try:
        lr = lr if in_range(lr, RANGES["lr"]) else 1.0
        make_optimizer(optimizer, [], lr=lr, **kwargs)
    except (ValueError, TypeError) as exc:
        return f"{where}optimizer: {exc}"
    return None


def check_param_groups(groups: Any, layer_names: list[str] | None, problems: Problems) -> None:
    """Each group is {"layers": [names], "optimizer", "lr", "optimizer_kwargs"}: at most
    MAX_PARAM_GROUPS groups, every layer a layer of the network and in one group at most."""
    if not isinstance(groups, list) or len(groups) > MAX_PARAM_GROUPS:
        problems.add(
            f"param_groups must be a list of at most {MAX_PARAM_GROUPS} groups, "
            f"got {_shown(groups)}"
        )
        return
    claimed: dict[str, int] = {}
    for g, group in enumerate(groups):
        where = f"param_groups[{g}]: "
        if not isinstance(group, dict) or set(group) - set(GROUP_KEYS):
            problems.add(f"{where}a group is an object with keys {', '.join(GROUP_KEYS)}")
            continue
        layers = group.get("layers")
        if (
            not isinstance(layers, list)
            or not 0 < len(layers) <= MAX_GROUP_LAYERS
            or not all(isinstance(n, str) and 0 < len(n) <= MAX_NAME_LENGTH for n in layers)
        ):
            problems.add(
                f"{where}layers must list 1 to {MAX_GROUP_LAYERS} layer names of at most "
                f"{MAX_NAME_LENGTH} characters, got {_shown(layers)}"
            )
            continue
        if problem := range_problem(f"{where}lr", group.get("lr"), RANGES["lr"], False):
            problems.add(problem)
        kwargs = group.get("optimizer_kwargs", {})
        if problem := optimizer_problem(group.get("optimizer"), group.get("lr"), kwargs, where):
            problems.add(problem)
        for name in layers:
            if layer_names is not None and name not in layer_names:
                problems.add(
                    f"{where}{name!r} is not a layer of this model; its layers are "
                    f"{', '.join(layer_names)}"
                )
            elif name in claimed:
                problems.add(f"{where}{name!r} is already in param_groups[{claimed[name]}]")
            else:
                claimed[name] = g
