"""cnnviz: see how a convolutional network works, number by number."""

__version__ = "0.1.0"
