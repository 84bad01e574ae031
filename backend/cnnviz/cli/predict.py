"""`cnnviz predict`: read image files the way the drawing pad does and print the top 3 classes."""

import json
from pathlib import Path

import numpy as np

from cnnviz.data.drawing import preprocess_drawing
from cnnviz.data.imagefile import ImageError
from cnnviz.models.bundled import DEFAULT_MODEL
from cnnviz.models.metadata import class_names
from cnnviz.nn.losses import output_probabilities

from .common import open_model
from .errors import CliError


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "predict",
        help="classify image files (PNG, JPEG, WebP)",
        description="Preprocess each image the MNIST way (as the drawing pad does) and print "
        "the three most likely classes with their probabilities.",
    )
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="default: %(default)s")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(func=run)


def run(args) -> int:
    model, meta = open_model(args.model)
    inputs = []
    for path in args.images:
        try:
            inputs.append(preprocess_drawing(path.read_bytes()).image)
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror}") from None
        except ImageError as exc:
            raise CliError(f"{path}: {exc}") from None
    outputs = model.forward(np.stack(inputs)[:, None]).astype(np.float64)
    probabilities = output_probabilities(outputs)
    names = class_names(meta, probabilities.shape[1])
    for path, probs in zip(args.images, probabilities, strict=True):
        top = np.argsort(-probs, kind="stable")[:3]
        if args.json:
            ranked = [{"label": names[k], "probability": float(probs[k])} for k in top]
            print(json.dumps({"image": str(path), "top": ranked}))
        else:
            shown = ", ".join(f"{names[k]} ({100 * probs[k]:.2f}%)" for k in top)
            print(f"{path}: {shown}")
    return 0
