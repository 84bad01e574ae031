"""`cnnviz train`: train a preset, a spec file or a course recipe on a dataset, write the model
file and its model card.

Every option's default is None, "not given": a run starts from DEFAULTS, then the recipe's
configuration (`--recipe`), then the options given, so `--recipe lenet --epochs 3` is the recipe
with three epochs. The model file records the exact command (every option spelled out, so a later
change of defaults cannot change what it means), the configuration, the test evaluation and the
versions; the card beside it is rendered from that record.
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from cnnviz.data.augment import Augmentation
from cnnviz.models.card import render_model_card
from cnnviz.models.metadata import trained_model_metadata
from cnnviz.nn import OPTIMIZERS, PRESETS
from cnnviz.train import (
    SCHEDULES,
    ConfigError,
    TrainConfig,
    Trainer,
    TrainingControl,
    TrainingDivergedError,
)
from cnnviz.train.loss import LOSSES
from cnnviz.train.recipes import RECIPES
from cnnviz.train.subsets import SUBSETS

from .common import add_data_dir, labelled_split
from .errors import CliError

_BAR = 24


#: What a run uses where neither an option nor the recipe says.
DEFAULTS: dict[str, Any] = {
    "model": "lenet5",
    "dataset": "mnist",
    "epochs": 5,
    "batch_size": 64,
    "optimizer": "adam",
    "lr": 1e-3,
    "lr_schedule": "constant",
    "warmup_steps": 0,
    "label_smoothing": 0.0,
    "seed": 0,
    "loss": "cross_entropy",
    "train_subset": "stratified",
    "test_subset": "stratified",
    "keep_best": False,
}
#: Options that set a TrainConfig field of the same meaning: (option's dest, field).
FIELD_OPTIONS = (
    ("model", "model"),
    ("dataset", "dataset"),
    ("classes", "classes"),
    ("train_size", "train_size"),
    ("validation_size", "validation_size"),
    ("train_subset", "train_subset"),
    ("test_size", "test_size"),
    ("test_subset", "test_subset"),
    ("loss", "loss"),
    ("keep_best", "keep_best"),
    ("epochs", "epochs"),
    ("batch_size", "batch_size"),
    ("optimizer", "optimizer"),
    ("lr", "lr"),
    ("schedule", "lr_schedule"),
    ("warmup_steps", "warmup_steps"),
    ("label_smoothing", "label_smoothing"),
    ("seed", "seed"),
)
#: Optimizer arguments with their own option.
OPTIMIZER_OPTIONS = ("momentum", "nesterov", "weight_decay")


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "train",
        help="train a model and write it with its model card",
        description="Train a preset network, a spec file or a course recipe; writes MODEL.npz "
        "and MODEL.md (the model card). Options not given take the recipe's value, else the "
        "default shown.",
    )
    network = parser.add_mutually_exclusive_group()
    network.add_argument("--model", choices=sorted(PRESETS), help="preset (default: lenet5)")
    network.add_argument("--spec", type=Path, help="a JSON file of layers (Sequential.to_spec)")
    parser.add_argument("--recipe", choices=list(RECIPES), help="a course notebook's set-up")
    parser.add_argument("--dataset", help="default: mnist")
    add_data_dir(parser)
    parser.add_argument("--classes", type=_int_list, help="a subset, e.g. 0,1 (default: all)")
    parser.add_argument("--train-size", type=int, help="training digits to use (default: all)")
    parser.add_argument(
        "--validation-size", type=int, help="held out of the training data (default: a tenth)"
    )
    parser.add_argument(
        "--train-subset",
        choices=SUBSETS,
        help="stratified (default): a seeded draw; first: the first train-size digits of the "
        "classes in file order, validation the ones after them",
    )
    parser.add_argument("--test-size", type=int, help="test digits to evaluate (default: all)")
    parser.add_argument(
        "--test-subset", choices=SUBSETS, help="stratified (default) or first test digits"
    )
    parser.add_argument("--loss", choices=LOSSES, help="default: cross_entropy")
    parser.add_argument(
        "--keep-best",
        action=argparse.BooleanOptionalAction,
        help="keep the epoch with the best validation accuracy (default: the last)",
    )
    parser.add_argument("--epochs", type=int, help="default: 5")
    parser.add_argument("--batch-size", type=int, help="default: 64")
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), help="default: adam")
    parser.add_argument("--lr", type=float, help="learning rate (default: 0.001)")
    parser.add_argument("--momentum", type=float, help="for sgd and rmsprop")
    parser.add_argument(
        "--nesterov", action=argparse.BooleanOptionalAction, help="Nesterov momentum (sgd)"
    )
    parser.add_argument("--weight-decay", type=float)
    parser.add_argument(
        "--group",
        action="append",
        type=_group,
        metavar="LAYER[,LAYER]=OPTIMIZER:LR",
        help="layers with their own optimizer, e.g. fc1,fc2=adagrad:0.01 (repeatable; the "
        "other layers use --optimizer)",
    )
    parser.add_argument("--schedule", choices=sorted(SCHEDULES), help="default: constant")
    parser.add_argument("--warmup-steps", type=int, help="default: 0")
    parser.add_argument("--label-smoothing", type=float, help="default: 0")
    parser.add_argument(
        "--augment",
        action="store_true",
        help="random affine transforms of each batch (see --rotation, --scale, --shear, --shift)",
    )
    parser.add_argument("--rotation", type=float, help="± degrees (implies --augment)")
    parser.add_argument("--scale", type=float, help="± fraction, e.g. 0.1 (implies --augment)")
    parser.add_argument("--shear", type=float, help="± degrees (implies --augment)")
    parser.add_argument("--shift", type=float, help="± pixels (implies --augment)")
    parser.add_argument("--seed", type=int, help="default: 0")
    parser.add_argument("--id", help="model id (default: MODEL-DATASET, e.g. lenet5-mnist)")
    parser.add_argument(
        "--out", type=Path, help="model file to write (default: ./ID.npz); the card goes beside it"
    )
    parser.set_defaults(func=run)


def _group(text: str) -> dict[str, Any]:
    """`fc1,fc2=adagrad:0.01` as a parameter group."""
    layers, _, rest = text.partition("=")
    optimizer, _, lr = rest.partition(":")
    names = [name.strip() for name in layers.split(",") if name.strip()]
    try:
        rate = float(lr)
    except ValueError:
        rate = None
    if not names or not optimizer or rate is None:
        raise argparse.ArgumentTypeError(
            f"expected LAYER[,LAYER]=OPTIMIZER:LR like fc1,fc2=adagrad:0.01; got {text!r}"
        )
    return {"layers": names, "optimizer": optimizer.strip(), "lr": rate, "optimizer_kwargs": {}}


def _int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 0,1; got {text!r}") from None


def _augmentation(args) -> Augmentation | None:
    given = {
        "rotation": args.rotation,
        "scale": None if args.scale is None else (1 - args.scale, 1 + args.scale),
        "shear": args.shear,
        "shift": args.shift,
    }
    given = {k: v for k, v in given.items() if v is not None}
    if not (args.augment or given):
        return None
    try:
        return Augmentation(**given)
    except ValueError as exc:
        raise CliError(f"augmentation: {exc}") from None


def _spec(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"--spec {path}: {exc}") from None


def _config(args) -> TrainConfig:
    """DEFAULTS, then the recipe's configuration, then every option given."""
    data: dict[str, Any] = dict(DEFAULTS)
    if args.recipe:
        data.update(RECIPES[args.recipe].config)
    if args.spec is not None:
        data["spec"] = _spec(args.spec)
    elif args.model is not None:
        data["spec"] = None
    for dest, name in FIELD_OPTIONS:
        if (value := getattr(args, dest)) is not None:
            data[name] = value
    kwargs = dict(data.get("optimizer_kwargs") or {})
    kwargs.update(
        {key: getattr(args, key) for key in OPTIMIZER_OPTIONS if getattr(args, key) is not None}
    )
    data["optimizer_kwargs"] = kwargs
    if args.group:
        data["param_groups"] = args.group
    augmentation = _augmentation(args)
    data["augmentation"] = augmentation.to_dict() if augmentation else None
    try:
        return TrainConfig.from_dict(data)
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def command_line(config: TrainConfig, model_id: str, recipe: str | None = None, spec=None) -> str:
    """The `cnnviz train` command that reproduces `config`, every option spelled out; a spec
    network is named by its `recipe`, else by the `spec` file it was read from."""
    words = ["cnnviz", "train"]
    if config.spec is None:
        words += ["--model", config.model]
    elif recipe is not None and RECIPES[recipe].config.get("spec") == config.spec:
        words += ["--recipe", recipe]
    else:
        words += ["--spec", str(spec)]
    words += ["--dataset", config.dataset]
    if config.classes is not None:
        words += ["--classes", ",".join(map(str, config.classes))]
    for flag, value in (
        ("--train-size", config.train_size),
        ("--validation-size", config.validation_size),
        ("--test-size", config.test_size),
    ):
        if value is not None:
            words += [flag, str(value)]
    words += ["--train-subset", config.train_subset, "--test-subset", config.test_subset]
    words += ["--loss", config.loss, "--keep-best" if config.keep_best else "--no-keep-best"]
    words += ["--epochs", str(config.epochs), "--batch-size", str(config.batch_size)]
    words += ["--optimizer", config.optimizer, "--lr", repr(config.lr)]
    for key, value in sorted(config.optimizer_kwargs.items()):
        if isinstance(value, bool):
            words.append(f"--{key}" if value else f"--no-{key}")
        else:
            words += [f"--{key.replace('_', '-')}", repr(value)]
    for group in config.param_groups:
        words += ["--group", f"{','.join(group['layers'])}={group['optimizer']}:{group['lr']!r}"]
    words += ["--schedule", config.lr_schedule, "--warmup-steps", str(config.warmup_steps)]
    words += ["--label-smoothing", repr(config.label_smoothing)]
    aug = config.augmentation
    if aug is not None:
        words += ["--rotation", repr(aug.rotation), "--scale", repr(round(aug.scale[1] - 1, 6))]
        words += ["--shear", repr(aug.shear), "--shift", repr(aug.shift)]
    words += ["--seed", str(config.seed), "--id", model_id]
    return shlex.join(words)


class TrainingDisplay:
    """Progress on stderr: a redrawn bar per epoch on a terminal, one line per epoch always."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.events: dict[str, dict] = {}

    def __call__(self, event: dict) -> None:
        self.events[event["type"]] = event
        kind = event["type"]
        if kind == "start":
            config = event["config"]
            network = "a custom network" if config["spec"] else config["model"]
            self._line(
                f"training {network} on {event['train_size']:,} images "
                f"({event['validation_size']:,} held out), {event['epochs']} epochs of "
                f"{event['steps_per_epoch']} steps"
            )
        elif kind == "step" and self.tty:
            done = event["step"] / event["steps_per_epoch"]
            bar = "#" * int(_BAR * done) + "." * (_BAR - int(_BAR * done))
            self.stream.write(
                f"\repoch {event['epoch']} [{bar}] {event['step']}/{event['steps_per_epoch']} "
                f"loss {event['loss']:.4f} acc {100 * event['accuracy']:5.1f}% "
                f"{event['samples_per_second']:,.0f} img/s"
            )
            self.stream.flush()
        elif kind == "epoch":
            val = (
                f"  val loss {event['val_loss']:.4f} acc {100 * event['val_accuracy']:.2f}%"
                if event.get("val_accuracy") is not None
                else ""
            )
            self._line(
                f"epoch {event['epoch']}/{event['epochs']}  loss {event['train_loss']:.4f} "
                f"acc {100 * event['train_accuracy']:.2f}%{val}  lr {event['lr']:.2e}  "
                f"{event['seconds']:.1f} s"
            )

    def _line(self, text: str) -> None:
        self.stream.write(("\r\033[K" if self.tty else "") + text + "\n")
        self.stream.flush()


def run(args) -> int:
    config = _config(args)
    network = args.recipe or ("custom" if config.spec is not None else config.model)
    model_id = args.id or f"{network}-{config.dataset}"
    out = args.out or Path(f"{model_id}.npz")
    if out.suffix != ".npz":
        raise CliError(f"--out must name an .npz file, got {out}")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")
    # The trainer keeps the chosen classes of both splits and renumbers them itself.
    train_images, train_labels = labelled_split(config.dataset, "train", None, args.data_dir)
    test_images, test_labels = labelled_split(config.dataset, "test", None, args.data_dir)
    try:
        trainer = Trainer(config, train_images, train_labels, test_images, test_labels)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    display = TrainingDisplay()
    started = time.perf_counter()
    try:
        model = trainer.run(display, TrainingControl())
    except TrainingDivergedError as exc:
        raise CliError(str(exc)) from None
    done = display.events["done"]
    meta = {
        "id": model_id,
        **trained_model_metadata(
            config,
            display.events["start"],
            done,
            seconds=time.perf_counter() - started,
            data_dir=args.data_dir,
        ),
        "command": command_line(config, model_id, args.recipe, args.spec),
    }
    model.save(out, metadata=meta)
    out.with_suffix(".md").write_text(render_model_card(model, meta), encoding="utf-8")
    print(
        f"{done['evaluated_on']} accuracy {100 * done['accuracy']:.2f}% on {done['count']:,} "
        f"images ({done['evaluated_words']})"
    )
    if done["best_epoch"] is not None:
        print(
            f"kept epoch {done['best_epoch']}, the best on validation "
            f"({100 * done['best_accuracy']:.2f}%)"
        )
    print(f"wrote {out} and {out.with_suffix('.md')}")
    return 0
