"""The training loop behind the live classroom demo: a configuration, data in, events out.

`TrainConfig` says what to train (JSON in and out, every mistake named in one error). `Trainer`
takes the arrays, splits off a validation set, builds the model and, in `run(emit, control)`,
trains it batch by batch, reporting through `emit` (see `events.py` for every event's fields) and
checking `control` between batches for pause, single step, resume and stop (and, through
`TrainingControl(steps_per_second)`, a watch pace). Every `validate_every` steps it scores the
validation set (a `validation` event) and, when asked, takes a snapshot of the first filters and
of one layer's output for a probe digit (the first validation digit, else the first training
digit; `snapshot.py`).

Reproducible: the same configuration and data give bit-identical weights and events (apart from
wall-clock fields). Every random choice draws from its own stream of `seed`: the model's initial
weights (the preset's own seeding), the validation split, each epoch's shuffle (a function of
seed and epoch alone) and the augmentation, so switching augmentation on leaves the batch order
and the initial weights as they were.

Which samples it trains, validates and is tested on: `subsets.py` (stratified or the first N).
Training batches run with the model in training mode (`model.train()`: Dropout drops units);
every evaluation, validation, snapshot and the final test with it in eval mode. With
`keep_best`, the weights of the epoch with the best validation accuracy are put back at the end
(`best.py`), before the final evaluation. A new base learning rate asked for through the control
(`take_lr`) applies from the next batch, an `lr` event records it, and the schedule scales from it.
"""

import dataclasses
import math
import time
from collections.abc import Callable

import numpy as np

from ..nn import Sequential
from ..nn.losses import output_probabilities
from ..nn.presets import MNIST_SHAPE
from .best import BestEpoch
from .config import TrainConfig
from .control import Control
from .cost import check_job
from .events import DoneEvent, EpochEvent, LrEvent, StartEvent, StepEvent
from .loss import training_loss
from .metrics import Evaluation, as_model_input, evaluate
from .plan import probe_layer
from .points import (
    SincePoint,
    check_validation_points,
    validation_count,
    validation_interval,
)
from .problems import TrainingDivergedError, diverged, outputs_problem
from .schedule import LRSchedule
from .snapshot import Snapshots, snapshot_stride
from .subsets import (
    check_arrays,
    select_classes,
    subset_words,
    test_positions,
    training_positions,
)

__all__ = ["Trainer", "TrainingDivergedError"]

# Independent random streams of one seed (the split's and the test draw's: `subsets.py`).
_SHUFFLE, _AUGMENT = 1, 2


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


class Trainer:
    """One training run of `config` on the given arrays.

    Parameters
    ----------
    config : TrainConfig
    train_images : ndarray, (N, 28, 28) or (N, 1, 28, 28), uint8 (0-255) or float ([0, 1])
    train_labels : ndarray, (N,), integer dataset labels
    test_images, test_labels : optional, the same kinds; evaluated once at the end
    model : optional Sequential to train instead of a fresh one from the config (its output
        size must match the classes); e.g. a float64 model, or one to train further.

    After construction: `model`, `classes`, `class_names`, `train_indices` and
    `validation_indices` (positions in the given training arrays), `test_indices`,
    `steps_per_epoch`, `total_steps`, `validate_every` and `probe_layer`.
    """

    def __init__(
        self,
        config: TrainConfig,
        train_images: np.ndarray,
        train_labels: np.ndarray,
        test_images: np.ndarray | None = None,
        test_labels: np.ndarray | None = None,
        model: Sequential | None = None,
    ) -> None:
        config.validate()
        self.config = config
        self.classes, self.class_names = config.dataset_classes()
        K = len(self.classes)

        images, labels = check_arrays("training", train_images, train_labels)
        pool, pool_labels = select_classes(labels, self.classes)
        n_train, n_val = config.split_sizes(len(pool))
        train, val = training_positions(
            pool_labels, config.train_subset, n_train, n_val, config.seed
        )
        self.train_indices, self.validation_indices = pool[train], pool[val]
        self._train_x, self._train_y = images[self.train_indices], pool_labels[train]
        self._val_x, self._val_y = images[self.validation_indices], pool_labels[val]

        self.test_indices = None
        self._test_x = self._test_y = None
        if (test_images is None) != (test_labels is None):
            raise ValueError("give both test_images and test_labels, or neither")
        if test_images is not None:
            test_x, test_y = check_arrays("test", test_images, test_labels)
            test_pool, test_ids = select_classes(test_y, self.classes)
            if len(test_pool) == 0:
                raise ValueError(f"the test set has no samples of the classes {self.classes}")
            chosen = test_positions(test_ids, config.test_subset, config.test_size, config.seed)
            self.test_indices, self._test_y = test_pool[chosen], test_ids[chosen]
            self._test_x = test_x[self.test_indices]

        self.model = config.build_model() if model is None else model
        shapes = self.model.output_shapes(tuple(self._train_x.shape[1:]) or MNIST_SHAPE)
        if problem := outputs_problem(shapes[-1], K):
            raise ValueError(problem)
        self.model.eval()
        bs = config.batch_size
        self.steps_per_epoch = -(-n_train // bs)
        self.total_steps = self.steps_per_epoch * config.epochs
        self.validate_every = validation_interval(config.validate_every, self.total_steps)
        check_validation_points(self.validate_every, self.total_steps)
        evaluations = validation_count(self.validate_every, self.total_steps) + config.epochs
        check_job(self.model, n_train, config.epochs, bs, evaluations if n_val else 0, n_val)
        self.probe_layer = probe_layer(self.model, config.probe_layer)
        self.schedule = LRSchedule(
            config.lr_schedule,
            config.lr,
            self.total_steps,
            config.warmup_steps,
            self.steps_per_epoch,
            config.step_size,
            config.gamma,
        )
        self._ran = False

    # -- data ------------------------------------------------------------------------------------
    def epoch_order(self, epoch: int) -> np.ndarray:
        """The order (positions in the training subset) samples are drawn in during `epoch`
        (1-based): a permutation from `seed` and `epoch` alone."""
        rng = np.random.default_rng([self.config.seed, _SHUFFLE, epoch])
        return rng.permutation(len(self._train_y))

    @property
    def train_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The training subset as the model sees it: float32 NCHW images and class ids 0..K-1."""
        return as_model_input(self._train_x), self._train_y

    # -- the loop ---------------------------------------------------------------------------------
    def run(self, emit: Callable[[dict], None], control: Control | None = None) -> Sequential:
        """Train, calling `emit(event)` for every event and `control.checkpoint()` before every
        batch; returns the trained model (also when stopped)."""
        if self._ran:
            raise RuntimeError("a Trainer runs once; make a new one to train again")
        self._ran = True
        config, model = self.config, self.model
        started = time.perf_counter()
        optimizer = config.make_optimizer(model)
        best = BestEpoch() if config.keep_best else None
        schedule = self.schedule  # its base replaced when the control asks for another
        augmentation = config.augmentation
        if augmentation is not None and augmentation.is_identity:
            augmentation = None
        augment_rng = np.random.default_rng([config.seed, _AUGMENT])
        bs, spe = config.batch_size, self.steps_per_epoch
        emit(
            StartEvent(
                type="start",
                config=config.to_dict(),
                model=model.to_spec(),
                classes=list(self.classes),
                class_names=list(self.class_names),
                train_size=len(self._train_y),
                validation_size=len(self._val_y),
                test_size=None if self._test_y is None else len(self._test_y),
                epochs=config.epochs,
                steps_per_epoch=spe,
                total_steps=self.total_steps,
                validate_every=self.validate_every,
                validation_points=validation_count(self.validate_every, self.total_steps),
            )
        )
        snapshots = self._snapshots() if config.emit_filters else None
        stride = snapshot_stride(validation_count(self.validate_every, self.total_steps))

        def snapshot(epoch: int) -> None:
            event = snapshots.event(epoch, global_step) if snapshots is not None else None
            if event is not None:
                emit(event)

        global_step, epochs_completed, stopped, points = 0, 0, False, 0
        snapshot(0)
        lr = self.schedule(0)
        window_samples, window_seconds = 0, 0.0
        point = SincePoint()  # the batches since the last validation point
        validated: tuple[int, Evaluation | None] | None = None  # (global step, its scores)
        for epoch in range(1, config.epochs + 1):
            epoch_started = time.perf_counter()
            order = self.epoch_order(epoch)
            loss_sum, correct, seen = 0.0, 0, 0
            for step in range(1, spe + 1):
                decision = control.checkpoint() if control is not None else "run"
                if decision == "stop":
                    stopped = True
                    break
                asked = control.take_lr() if control is not None else None
                if asked is not None:
                    previous = schedule.base_lr
                    emit(LrEvent(type="lr", global_step=global_step, lr=asked, previous=previous))
                    schedule = dataclasses.replace(schedule, base_lr=asked)
                batch_started = time.perf_counter()
                idx = order[(step - 1) * bs : step * bs]
                lr = schedule(global_step)
                loss, hits = self._train_batch(idx, optimizer, lr, augmentation, augment_rng)
                global_step += 1
                if not math.isfinite(loss):
                    kwargs = config.optimizer_kwargs
                    raise diverged(loss, global_step, self.total_steps, lr, kwargs)
                n = len(idx)
                loss_sum += loss * n
                correct += hits
                seen += n
                point.add(loss, hits, n)
                window_samples += n
                window_seconds += time.perf_counter() - batch_started
                if decision == "step" or global_step % config.step_every == 0:
                    emit(
                        StepEvent(
                            type="step",
                            epoch=epoch,
                            step=step,
                            steps_per_epoch=spe,
                            global_step=global_step,
                            total_steps=self.total_steps,
                            loss=_finite(loss),
                            accuracy=hits / n,
                            lr=lr,
                            samples_per_second=window_samples / max(window_seconds, 1e-9),
                            single_step=decision == "step",
                        )
                    )
                    window_samples, window_seconds = 0, 0.0
                last = global_step == self.total_steps
                if global_step % self.validate_every == 0 or last:
                    validated = (global_step, self._validation())
                    emit(point.event(epoch, global_step, self.total_steps, validated[1]))
                    point, points = SincePoint(), points + 1
                    if points % stride == 0 or last or decision == "step":
                        snapshot(epoch)
                elif decision == "step":
                    snapshot(epoch)
            if stopped:
                break
            val = validated[1] if validated and validated[0] == global_step else self._validation()
            epochs_completed = epoch
            if best is not None:
                best.consider(epoch, None if val is None else val.accuracy, model)
            emit(
                EpochEvent(
                    type="epoch",
                    epoch=epoch,
                    epochs=config.epochs,
                    global_step=global_step,
                    train_loss=_finite(loss_sum / seen),
                    train_accuracy=correct / seen,
                    val_loss=None if val is None else _finite(val.loss),
                    val_accuracy=None if val is None else val.accuracy,
                    lr=lr,
                    seconds=time.perf_counter() - epoch_started,
                )
            )
        if stopped:
            snapshot(epochs_completed + 1)
        if best is not None:
            best.restore(model)
        emit(self._done_event(stopped, epochs_completed, global_step, started, best))
        return model

    def _train_batch(self, idx, optimizer, lr, augmentation, rng) -> tuple[float, int]:
        """One update on the training samples at `idx`: (the batch's mean loss, its hits)."""
        x, y = as_model_input(self._train_x[idx]), self._train_y[idx]
        if augmentation is not None:
            x = augmentation.apply(x[:, 0], rng)[:, None]
        optimizer.lr = lr
        config = self.config
        self.model.train()
        try:
            outputs = self.model.forward(x)
            loss, doutputs = training_loss(outputs, y, config.loss, config.label_smoothing)
            self.model.backward(doutputs, input_grad=False)
            optimizer.step()
        finally:
            self.model.eval()  # every evaluation and snapshot sees the deterministic network
        return loss, int((output_probabilities(outputs).argmax(axis=1) == y).sum())

    def _done_event(self, stopped, epochs_completed, global_step, started, best) -> DoneEvent:
        """The final evaluation: on the test set if given, else the validation set, else none."""
        config = self.config
        if self._test_y is not None:
            where, final = "test", self._evaluate(self._test_x, self._test_y, self.test_indices)
        elif len(self._val_y):
            where = "validation"
            final = self._evaluate(self._val_x, self._val_y, self.validation_indices)
        else:
            where, final = None, None
        names = self.class_names
        noun = "digits" if all(name.isdigit() for name in names) else "images"
        words = (
            subset_words(where, final.count, config.test_size, config.test_subset, noun)
            if final
            else None
        )
        keys = ("count", "accuracy", "loss", "confusion_matrix", "per_class_accuracy")
        metrics = final.to_dict() if final else dict.fromkeys((*keys, "misclassified"))
        return DoneEvent(
            type="done",
            stopped=stopped,
            epochs_completed=epochs_completed,
            global_step=global_step,
            seconds=time.perf_counter() - started,
            evaluated_on=where,
            count=metrics["count"],
            accuracy=metrics["accuracy"],
            loss=metrics["loss"],
            confusion_matrix=metrics["confusion_matrix"],
            per_class_accuracy=metrics["per_class_accuracy"],
            misclassified=metrics["misclassified"],
            classes=list(self.classes),
            class_names=list(self.class_names),
            evaluated_words=words,
            best_epoch=best.epoch if best else None,
            best_accuracy=best.accuracy if best else None,
        )

    def _evaluate(self, images, labels, indices=None) -> Evaluation:
        return evaluate(self.model, images, labels, indices=indices)

    def _validation(self) -> Evaluation | None:
        """The validation set's scores now (None without a validation set)."""
        return self._evaluate(self._val_x, self._val_y) if len(self._val_y) else None

    def _snapshots(self) -> Snapshots:
        """Snapshots of this run, its probe the first validation digit (else the first
        training digit)."""
        split, images, labels, indices = (
            "validation",
            self._val_x,
            self._val_y,
            self.validation_indices,
        )
        if not len(labels):
            split, images, labels, indices = (
                "training",
                self._train_x,
                self._train_y,
                self.train_indices,
            )
        label = int(labels[0])
        probe = {
            "split": split,
            "index": int(indices[0]),
            "label": label,
            "class_name": self.class_names[label],
        }
        return Snapshots(self.model, self.probe_layer, as_model_input(images[:1]), probe)
