"""What the views show, computed: predictions, traces with every layer's gradient, one convolution
or pooling position step by step, and the teaching kernels of the playground."""
