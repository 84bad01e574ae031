"""Metrics: the confusion matrix by hand and by loop, `evaluate` against a direct computation."""

import json

import numpy as np
import pytest

from cnnviz.nn import Dense, Flatten, Sequential, softmax, softmax_cross_entropy
from cnnviz.train import as_model_input, confusion_matrix, evaluate, evaluate_model
from cnnviz.train.metrics import MISCLASSIFIED_LIMIT


def test_confusion_matrix_by_hand():
    true = np.array([0, 0, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 2, 0, 2])
    expected = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]  # rows true, columns predicted
    np.testing.assert_array_equal(confusion_matrix(true, pred, 3), expected)


def test_confusion_matrix_equals_a_loop():
    rng = np.random.default_rng(0)
    true, pred = rng.integers(0, 7, 500), rng.integers(0, 7, 500)
    expected = np.zeros((7, 7), int)
    for t, p in zip(true, pred, strict=True):
        expected[t, p] += 1
    got = confusion_matrix(true, pred, 7)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.int64 and got.sum() == 500


@pytest.mark.parametrize(
    "true, pred, k, message",
    [
        ([0, 3], [0, 1], 3, r"true has class ids outside \[0, 3\)"),
        ([0, 1], [0, -1], 3, "pred has class ids outside"),
        ([0, 1], [0], 3, "1-D of one length"),
        ([0.0, 1.0], [0, 1], 3, "integer class ids"),
    ],
)
def test_confusion_matrix_rejects_bad_input(true, pred, k, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(np.array(true), np.array(pred), k)


def linear_model(k: int = 3, seed: int = 0) -> Sequential:
    return Sequential(Flatten(), Dense(784, k, init="xavier_normal", rng=seed))


def test_evaluate_equals_a_direct_computation():
    rng = np.random.default_rng(1)
    model = linear_model()
    images = (rng.random((103, 28, 28)) * 255).astype(np.uint8)
    labels = rng.integers(0, 2, 103)  # class 2 never occurs
    result = evaluate(model, images, labels, batch_size=7)

    logits = model.forward(images[:, None].astype(np.float32) / np.float32(255)).astype(np.float64)
    pred = logits.argmax(axis=1)
    loss, _ = softmax_cross_entropy(logits, labels)
    assert result.count == 103
    assert result.accuracy == np.mean(pred == labels)
    assert result.loss == pytest.approx(loss, rel=1e-6)
    np.testing.assert_array_equal(result.confusion_matrix, confusion_matrix(labels, pred, 3))
    for k in (0, 1):
        assert result.per_class_accuracy[k] == np.mean(pred[labels == k] == k)
    assert result.per_class_accuracy[2] is None
    wrong = np.flatnonzero(pred != labels)
    cells = {(int(labels[i]), int(pred[i])) for i in wrong}
    expected = [
        i
        for i in wrong
        if np.sum((labels[: i + 1] == labels[i]) & (pred[: i + 1] == pred[i]))
        <= MISCLASSIFIED_LIMIT
    ]
    assert len(expected) < len(wrong)  # some cell is over the limit, so the limit is exercised
    assert [m["index"] for m in result.misclassified] == expected
    assert {(m["true"], m["pred"]) for m in result.misclassified} == cells  # every cell has some
    probs = softmax(logits)
    for m in result.misclassified:
        assert m["true"] == labels[m["index"]] and m["pred"] == pred[m["index"]]
        assert m["confidence"] == pytest.approx(probs[m["index"]].max(), rel=1e-6)

    as_dict = json.loads(json.dumps(result.to_dict()))
    assert as_dict["per_class_accuracy"][2] is None
    assert as_dict["confusion_matrix"] == result.confusion_matrix.tolist()
    assert (
        evaluate_model(model, images, labels).to_dict() == evaluate(model, images, labels).to_dict()
    )


def test_evaluate_names_samples_and_classes():
    rng = np.random.default_rng(2)
    model = linear_model(2)
    images = rng.random((30, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 2, 30)
    result = evaluate(model, images, labels, classes=["3", "8"], indices=np.arange(30) + 1000)
    assert result.classes == ["3", "8"]
    assert all(m["index"] >= 1000 for m in result.misclassified)
    with pytest.raises(ValueError, match="classes names 3 classes, the model has 2 outputs"):
        evaluate(model, images, labels, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        evaluate(model, images, labels + 1)
    with pytest.raises(ValueError, match="no images"):
        evaluate(model, images[:0], labels[:0])


def test_as_model_input_scales_uint8_and_adds_the_channel_axis():
    images = np.array([[[0, 255], [51, 102]]], np.uint8)
    x = as_model_input(images)
    assert x.shape == (1, 1, 2, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(x[0, 0], np.array([[0, 1], [0.2, 0.4]], np.float32))
    floats = np.full((2, 1, 3, 3), 0.5)
    assert as_model_input(floats).dtype == np.float32
    with pytest.raises(ValueError, match="uint8 or floating point"):
        as_model_input(np.zeros((1, 3, 3), np.int64))
