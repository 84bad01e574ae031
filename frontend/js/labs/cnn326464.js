// Lab 7: the 32-64-64 network, its parameter table, and your own photo of a digit (course
// notebook 004).
export default {
  id: "cnn32-64-64",
  title: "The 32-64-64 network and your own photo",
  notebook: "Course notebook 004",
  summary: "Count every parameter of a three-conv network, train it, then photograph a digit you wrote on paper and let it read it.",
  data: "Works offline on the 10,000 training digits. The notebook trained 5 epochs on all 60,000 MNIST digits (`cnnviz data download mnist` fetches them); the recipe here trains 4 epochs on 2,400 of them to finish in under a minute.",
  steps: [
    {
      title: "The parameter table",
      text: [
        "A conv layer has (kernel height · width · input channels + 1) · filters parameters: (3·3·1 + 1)·32 = 320, (3·3·32 + 1)·64 = 18,496, (3·3·64 + 1)·64 = 36,928. Pooling and ReLU have none.",
        "The last conv map is 64×3×3 = 576 numbers; the dense layer to 64 units has 576·64 + 64 = 36,928, and the one to 10 outputs 64·10 + 10 = 650. In all 93,322. Dropout has no parameters either: it only silences half of the 64 units at random while training.",
      ],
      link: "tab=model&arch=cnn32-64-64",
      question: "With padding \"same\" in every conv, how large would the flattened vector be?",
    },
    {
      title: "Train it",
      text: [
        "The recipe trains the network with Adam in batches of 150, 4 epochs over 2,400 digits, keeps the epoch with the best validation accuracy (as the notebook's checkpoint does) and tests it on every test digit. Press Start; the run takes under a minute.",
        "When it is done, press \"Use this model\" for the next step.",
      ],
      link: "tab=train&recipe=cnn32-64-64",
      question: "The network has seven times LeNet's parameters: does it reach a higher accuracy on these digits?",
    },
    {
      title: "Your own photo of a digit",
      text: [
        "Write a digit with a thick pen on white paper, photograph it, and upload the photo (or drop it, or paste it) on the Draw view. The page prepares it as MNIST's digits were: crop to the ink, scale to 20 px, centre in 28×28.",
      ],
      link: "tab=draw",
      question: "Photograph the same digit in dim light and in bright light: does the answer change?",
    },
  ],
};
