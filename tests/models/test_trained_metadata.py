"""The record a trained model is saved with says what it learned from, also when the training
file went away while the job trained (a job must not lose its model over its description)."""

from pathlib import Path

from tests.tiny_mnist import make_tiny_mnist

from cnnviz.models.metadata import trained_model_metadata
from cnnviz.train import TrainConfig

CONFIG = TrainConfig.from_dict({"model": "simple", "classes": [0, 1], "train_size": 30})
START = {
    "train_size": 30,
    "validation_size": 4,
    "total_steps": 4,
    "epochs": 1,
    "classes": [0, 1],
    "class_names": ["0", "1"],
}
DONE = {
    "accuracy": 0.9,
    "loss": 0.3,
    "seconds": 1.2,
    "per_class_accuracy": [0.85, 0.95],
    "confusion_matrix": [[17, 3], [1, 19]],
    "evaluated_words": "the 40 test digits",
}


def test_the_training_data_is_described_with_its_file_size(tmp_path: Path) -> None:
    data = make_tiny_mnist(tmp_path / "data", train=40)
    meta = trained_model_metadata(CONFIG, START, DONE, seconds=1.2, data_dir=data)
    # make_tiny_mnist writes 40 training digits: not the official 60,000-image file.
    assert meta["training_data"].startswith("30 images from a 40-image MNIST training file")
    assert meta["training_data"].endswith("4 held out for validation")


def test_a_training_file_deleted_while_the_job_ran_is_said_not_a_crash(tmp_path: Path) -> None:
    meta = trained_model_metadata(CONFIG, START, DONE, seconds=1.2, data_dir=tmp_path / "gone")
    assert meta["training_data"] == (
        "30 images from a MNIST training file no longer on the server; 4 held out for validation"
    )
