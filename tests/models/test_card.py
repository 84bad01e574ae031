"""The model card says which epoch's weights a keep_best run kept, and says nothing of it for a
run that kept its last epoch."""

from cnnviz.models.card import render_model_card
from cnnviz.nn import build_model


def meta(**extra) -> dict:
    return {
        "id": "m",
        "config": {"model": "simple", "epochs": 4, "seed": 0},
        "evaluation": {"accuracy": 0.9},
        **extra,
    }


def test_a_keep_best_run_names_its_kept_epoch() -> None:
    card = render_model_card(
        build_model("simple"), meta(best_epoch=2, best_validation_accuracy=0.9375)
    )
    assert "- Kept epoch 2 of 4, the best on validation (93.75%)" in card


def test_a_run_that_kept_its_last_epoch_says_nothing_of_it() -> None:
    card = render_model_card(build_model("simple"), meta(best_epoch=None))
    assert "Kept epoch" not in card and "## Training" in card
