"""Layer specs several tests build models from (POST /api/models takes them as `spec`)."""

#: A 2-output network (classes 0 and 1): the cheapest model that knows only some digits.
#: 28 − 3 + 1 = 26, pooled by 2 to 13: 2 × 13 × 13 = 338 features.
TWO_CLASSES = {
    "layers": [
        {"type": "Conv2D", "in_channels": 1, "out_channels": 2, "kernel_size": 3},
        {"type": "MaxPool2D", "kernel_size": 2},
        {"type": "Flatten"},
        {"type": "Dense", "in_features": 338, "out_features": 2},
    ]
}
