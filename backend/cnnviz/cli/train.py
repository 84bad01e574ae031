"""`cnnviz train`: train a preset on a dataset, write the model file and its model card.

The model file records the exact command (every option spelled out, so a later change of
defaults cannot change what it means), the configuration, the test evaluation and the versions;
the card beside it is rendered from that record.
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

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

from .common import add_data_dir, labelled_split
from .errors import CliError

_BAR = 24


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "train",
        help="train a model and write it with its model card",
        description="Train a preset network; writes MODEL.npz and MODEL.md (the model card).",
    )
    parser.add_argument("--model", default="lenet5", choices=sorted(PRESETS), help="preset")
    parser.add_argument("--dataset", default="mnist")
    add_data_dir(parser)
    parser.add_argument("--classes", type=_int_list, help="a subset, e.g. 0,1 (default: all)")
    parser.add_argument("--train-size", type=int, help="training digits to use (default: all)")
    parser.add_argument(
        "--validation-size", type=int, help="held out of the training data (default: a tenth)"
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--optimizer", default="adam", choices=sorted(OPTIMIZERS))
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate")
    parser.add_argument("--momentum", type=float, help="for sgd and rmsprop")
    parser.add_argument("--weight-decay", type=float)
    parser.add_argument("--schedule", default="constant", choices=sorted(SCHEDULES))
    parser.add_argument("--warmup-steps", type=int, default=0)
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument(
        "--augment",
        action="store_true",
        help="random affine transforms of each batch (see --rotation, --scale, --shear, --shift)",
    )
    parser.add_argument("--rotation", type=float, help="± degrees (implies --augment)")
    parser.add_argument("--scale", type=float, help="± fraction, e.g. 0.1 (implies --augment)")
    parser.add_argument("--shear", type=float, help="± degrees (implies --augment)")
    parser.add_argument("--shift", type=float, help="± pixels (implies --augment)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--id", help="model id (default: MODEL-DATASET, e.g. lenet5-mnist)")
    parser.add_argument(
        "--out", type=Path, help="model file to write (default: ./ID.npz); the card goes beside it"
    )
    parser.set_defaults(func=run)


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


def _config(args) -> TrainConfig:
    kwargs = {"momentum": args.momentum, "weight_decay": args.weight_decay}
    try:
        return TrainConfig(
            model=args.model,
            dataset=args.dataset,
            classes=args.classes,
            train_size=args.train_size,
            validation_size=args.validation_size,
            optimizer=args.optimizer,
            lr=args.lr,
            optimizer_kwargs={k: v for k, v in kwargs.items() if v is not None},
            batch_size=args.batch_size,
            epochs=args.epochs,
            seed=args.seed,
            augmentation=_augmentation(args),
            lr_schedule=args.schedule,
            warmup_steps=args.warmup_steps,
            label_smoothing=args.label_smoothing,
        )
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def command_line(config: TrainConfig, model_id: str) -> str:
    """The `cnnviz train` command that reproduces `config`, every option spelled out."""
    words = ["cnnviz", "train", "--model", config.model, "--dataset", config.dataset]
    if config.classes is not None:
        words += ["--classes", ",".join(map(str, config.classes))]
    for flag, value in (
        ("--train-size", config.train_size),
        ("--validation-size", config.validation_size),
    ):
        if value is not None:
            words += [flag, str(value)]
    words += ["--epochs", str(config.epochs), "--batch-size", str(config.batch_size)]
    words += ["--optimizer", config.optimizer, "--lr", repr(config.lr)]
    for key, value in sorted(config.optimizer_kwargs.items()):
        words += [f"--{key.replace('_', '-')}", repr(value)]
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
            self._line(
                f"training {event['config']['model']} on {event['train_size']:,} images "
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
    model_id = args.id or f"{config.model}-{config.dataset}"
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
        "command": command_line(config, model_id),
    }
    model.save(out, metadata=meta)
    out.with_suffix(".md").write_text(render_model_card(model, meta), encoding="utf-8")
    print(f"test accuracy {100 * done['accuracy']:.2f}% on {done['count']:,} images")
    print(f"wrote {out} and {out.with_suffix('.md')}")
    return 0
