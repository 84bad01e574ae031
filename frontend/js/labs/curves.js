// Lab 6: the scratch classifier and LeNet, compared by their loss and accuracy curves (course
// notebook 000).
export default {
  id: "curves",
  title: "The scratch classifier and LeNet, curve by curve",
  notebook: "Course notebook 000",
  summary: "Train a one-conv classifier, then a LeNet, on the same first 1,000 digits, and lay their loss and accuracy curves over each other.",
  data: "Works offline: both recipes train on the first 1,000 of the 10,000 training digits and test on the first 100 test digits, as the notebook did with the first 1,000 of all 60,000. The training file here is a seeded subset, so these are not the notebook's 1,000; `cnnviz data download mnist` fetches the full set.",
  steps: [
    {
      title: "The scratch classifier",
      text: [
        "Ten 3×3 filters with padding 1, a 2×2 max-pool, dense layers of 400 and 200 units, and ten outputs. As in the notebook, the convolution learns with plain SGD and the dense layers with AdaGrad: two optimizers, each over its own layers.",
        "Press Start and watch the loss fall epoch by epoch. Note the final accuracy on the first 100 test digits.",
      ],
      link: "tab=train&recipe=scratch-classifier",
      question: "Where does the loss curve flatten? Does the accuracy curve flatten at the same step?",
    },
    {
      title: "LeNet",
      text: [
        "Two 5×5 convolutions (6 and 16 filters) with max pooling after each, then dense layers of 120 and 84: the shape of LeCun's LeNet. It has 107,786 parameters against the scratch classifier's 866,710, because its filters are shared across the image and its first dense layer reads 784 numbers instead of 1,960.",
        "Press Start, then open Compare runs to lay its curves over the scratch classifier's.",
      ],
      link: "tab=train&recipe=lenet",
      question: "Which network's loss falls faster in its first epoch, and which ends lower?",
    },
  ],
};
