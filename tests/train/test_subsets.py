"""Which samples a run trains, validates and is tested on: the first N in file order (counted by
hand on labels whose order is written out), or a stratified draw; the done event says which."""

import numpy as np
import pytest
from tests.synthetic_digits import bars

from cnnviz.train import ConfigError, TrainConfig, Trainer

# Labels in file order; the samples of classes 0 and 1 sit at positions
# 1, 2, 4, 5, 6, 9, 10, 11, 13 (written out by hand below).
LABELS = np.array([5, 1, 0, 7, 1, 1, 0, 3, 9, 0, 1, 0, 2, 1, 8, 4])
ZERO_ONE_POSITIONS = [1, 2, 4, 5, 6, 9, 10, 11, 13]


def images_for(labels: np.ndarray, seed: int) -> np.ndarray:
    """Bars drawn for exactly these labels (bars() shuffles its own, so draw per class)."""
    pool_x, pool_y = bars(20 * len(labels), seed=seed)
    return np.stack([pool_x[np.flatnonzero(pool_y == label)[i]] for i, label in enumerate(labels)])


def test_first_n_trains_on_the_first_samples_of_the_classes_and_validates_on_the_next():
    images = images_for(LABELS, 0)
    config = TrainConfig(
        classes=[0, 1], train_subset="first", train_size=4, validation_size=3, epochs=1
    )
    trainer = Trainer(config, images, LABELS)
    assert trainer.train_indices.tolist() == [1, 2, 4, 5]
    assert trainer.validation_indices.tolist() == [6, 9, 10]
    # class ids follow the order classes are given in: 0 -> 0, 1 -> 1
    assert trainer.train_data[1].tolist() == [1, 0, 1, 1]


def test_first_n_without_a_train_size_takes_all_but_the_validation_samples_at_the_end():
    config = TrainConfig(classes=[1, 0], train_subset="first", validation_size=2, epochs=1)
    trainer = Trainer(config, images_for(LABELS, 0), LABELS)
    assert trainer.train_indices.tolist() == ZERO_ONE_POSITIONS[:7]
    assert trainer.validation_indices.tolist() == ZERO_ONE_POSITIONS[7:]
    # classes [1, 0]: digit 1 is class 0
    assert trainer.train_data[1].tolist() == [0, 1, 0, 0, 1, 1, 0]


def test_the_first_test_samples_are_evaluated_and_the_done_event_says_so():
    test_labels = np.array([1, 4, 1, 0, 0, 3, 1, 0, 1])
    config = TrainConfig(
        classes=[0, 1], validation_size=0, test_size=4, test_subset="first", epochs=1
    )
    events = []
    train_x, train_y = bars(200, classes=[0, 1])
    trainer = Trainer(config, train_x, train_y, images_for(test_labels, 1), test_labels)
    trainer.run(events.append)
    assert trainer.test_indices.tolist() == [0, 2, 3, 4]
    done = events[-1]
    assert done["count"] == 4 and done["evaluated_on"] == "test"
    assert done["evaluated_words"] == "the first 4 test digits"
    assert {m["index"] for m in done["misclassified"]} <= {0, 2, 3, 4}


def test_a_stratified_test_draw_keeps_the_class_proportions():
    test_x, test_y = bars(300, seed=1)  # 30 of each class
    config = TrainConfig(validation_size=0, train_size=100, test_size=50, epochs=1)
    trainer = Trainer(config, *bars(200), test_x, test_y)
    assert np.bincount(test_y[trainer.test_indices], minlength=10).tolist() == [5] * 10
    again = Trainer(config, *bars(200), test_x, test_y)
    np.testing.assert_array_equal(again.test_indices, trainer.test_indices)
    events = []
    trainer.run(events.append)
    assert events[-1]["evaluated_words"] == "50 test digits drawn at random (stratified by class)"


def test_without_test_size_every_test_sample_of_the_classes_counts():
    test_x, test_y = bars(300, seed=1)
    events = []
    config = TrainConfig(classes=[2, 7], validation_size=0, train_size=40, epochs=1)
    Trainer(config, *bars(200), test_x, test_y).run(events.append)
    assert events[-1]["count"] == 60
    assert events[-1]["evaluated_words"] == "all 60 test digits"


def test_a_test_size_larger_than_the_test_set_is_refused():
    config = TrainConfig(classes=[0, 1], test_size=61, validation_size=0)
    with pytest.raises(ValueError, match="test_size 61 is larger than the 60 test samples"):
        Trainer(config, *bars(200), *bars(300, seed=1))


@pytest.mark.parametrize(
    "override, message",
    [
        ({"train_subset": "last"}, "unknown train_subset 'last'; choose one of stratified, first"),
        ({"test_subset": "random"}, "unknown test_subset 'random'"),
        ({"test_size": 0}, "test_size must be an integer between 1 and 60,000, got 0"),
    ],
)
def test_subset_settings_are_checked(override, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**override)
