// Lab 5: conv 3×3, max-pool 2, softmax, on the first 1,000 training digits (course notebook 002).
export default {
  id: "first-thousand",
  title: "Conv, pool, softmax on the first 1,000 digits",
  notebook: "Course notebook 002",
  summary: "The smallest useful digit reader: eight 3×3 filters, max pooling and ten softmax outputs, trained on the first 1,000 digits and tested on the first 100.",
  data: "Works offline. But the training file here is a seeded subset of MNIST's 60,000, so its first 1,000 digits are not the notebook's first 1,000; the test file is MNIST's official 10,000, so the first 100 test digits are the notebook's. For the notebook's exact training digits, fetch all 60,000 with `cnnviz data download mnist`.",
  steps: [
    {
      title: "The network",
      text: [
        "Eight 3×3 filters (80 parameters), max pooling 2×2 to 8×13×13, and a dense layer from those 1,352 numbers to 10 scores: 13,530 parameters. Softmax turns the scores into ten probabilities. 13,610 parameters in all.",
      ],
      link: "tab=model&arch=simple",
      question: "Which layer holds almost all of the parameters, and why?",
    },
    {
      title: "Train on the first 1,000, test on the first 100",
      text: [
        "The recipe takes the first 1,000 training digits in file order (not a random sample), trains one digit at a time with plain SGD for 3 epochs, and scores the run on the first 100 test digits. Press Start.",
        "A hundred test digits is a small exam: one mistake moves the accuracy by a whole percent.",
      ],
      link: "tab=train&recipe=conv-pool-softmax-first-1000",
      question: "Change the seed and run it again: how far apart are the two accuracies?",
    },
  ],
};
