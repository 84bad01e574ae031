"""`cnnviz evaluate`: a model's accuracy, per-class accuracy and confusion matrix on a split."""

import json

from cnnviz.models.metadata import class_names
from cnnviz.nn.losses import class_count
from cnnviz.nn.presets import MNIST_SHAPE
from cnnviz.train import evaluate

from .common import add_data_dir, labelled_split, open_model


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "evaluate",
        help="score a model on a dataset split",
        description="Accuracy, per-class accuracy and the confusion matrix of a model.",
    )
    parser.add_argument("--model", required=True, help="a bundled model id or an .npz path")
    parser.add_argument("--dataset", help="default: the dataset the model was trained on")
    parser.add_argument("--split", choices=("test", "train"), default="test")
    add_data_dir(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    model, meta = open_model(args.model)
    dataset = args.dataset or meta.get("dataset", "mnist")
    classes = meta.get("classes")
    images, labels = labelled_split(dataset, args.split, classes, args.data_dir)
    names = class_names(
        meta, class_count(model.output_shapes(model.input_shape or MNIST_SHAPE)[-1][0])
    )
    result = evaluate(model, images, labels, classes=names)
    if args.json:
        report = {"model": args.model, "dataset": dataset, "split": args.split, **result.to_dict()}
        print(json.dumps(report))
        return 0
    print(f"{args.model} on {dataset} {args.split} ({result.count:,} images)")
    print(f"accuracy {100 * result.accuracy:.2f}%   mean cross-entropy {result.loss:.4f}")
    print("\nper-class accuracy")
    for name, acc in zip(names, result.per_class_accuracy, strict=True):
        print(f"  {name:>12}  {'n/a' if acc is None else f'{100 * acc:6.2f}%'}")
    width = max(5, *(len(str(v)) for row in result.confusion_matrix for v in row))
    print("\nconfusion matrix (rows: true class, columns: predicted)")
    print(" " * 14 + "".join(f"{name[:width]:>{width + 1}}" for name in names))
    for name, row in zip(names, result.confusion_matrix, strict=True):
        print(f"  {name:>12}" + "".join(f"{v:>{width + 1}}" for v in row))
    return 0
