// Lab 6: the scratch classifier and LeNet, compared by their loss and accuracy curves (course
// notebook 000).
export default {
  id: "curves",
  title: "The scratch classifier and LeNet, curve by curve",
  notebook: "Course notebook 000",
  summary: "Train a one-conv classifier, then a LeNet, on the same 1,000 digits, and read their loss and accuracy curves side by side.",
  data: "Works offline: both recipes train on 1,000 of the 10,000 training digits, as the notebook did with the first 1,000 of its 60,000.",
  steps: [
    {
      title: "The scratch classifier",
      text: [
        "One convolution of ten 3×3 filters with padding 1, then dense layers of 400 and 200 units, and ten outputs. The conv layer learns with plain SGD, the dense layers with AdaGrad, as in the notebook.",
        "Press Start and watch two curves: the loss, which should fall, and the validation accuracy, which should rise. Note the final accuracy.",
      ],
      link: "tab=train&recipe=scratch-classifier",
      question: "Where does the loss curve flatten? Does the accuracy curve flatten at the same step?",
    },
    {
      title: "LeNet",
      text: [
        "Two convolutions of 5×5 with max pooling after each, then dense layers of 120 and 84: the shape of LeCun's LeNet. It has fewer parameters than the scratch classifier yet usually ends higher, because its filters are shared across the image.",
        "Press Start, then compare its curves and final accuracy with the scratch classifier's.",
      ],
      link: "tab=train&recipe=lenet",
      question: "Which network's loss falls faster in its first epoch, and which ends lower?",
    },
  ],
};
