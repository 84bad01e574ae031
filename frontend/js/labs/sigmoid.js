// Lab 4: the 0-vs-1 network with one sigmoid output (course notebook 001).
export default {
  id: "sigmoid",
  title: "The 0-vs-1 sigmoid network",
  notebook: "Course notebook 001",
  summary: "Build a network with a single output that says how sure it is the digit is a 1, train it on zeros and ones, watch it learn, and test it on your drawing.",
  data: "Works offline on the zeros and ones of the 10,000 training digits. The notebook filtered all 60,000 MNIST training digits (about 12,700 zeros and ones); `cnnviz data download mnist` fetches them, though this network does not need that many.",
  steps: [
    {
      title: "The network",
      text: [
        "Inputs are scaled to [−0.5, 0.5], eight 3×3 filters make 26×26 maps, max pooling halves them to 13×13, and 8·13·13 = 1,352 numbers feed a single output.",
        "One output is enough for two classes: its sigmoid is the probability of a 1, and the probability of a 0 is what is left. The table counts the parameters: 8·(3·3·1 + 1) = 80 for the filters, 1,352 + 1 = 1,353 for the output, 1,433 in all.",
      ],
      link: "tab=model&arch=sigmoid01",
      question: "How many parameters would the output layer need with two softmax outputs instead of one sigmoid?",
    },
    {
      title: "Train it",
      text: [
        "The form is filled with the recipe: the first 1,000 zeros and ones, one digit at a time, binary cross-entropy on the single output. Press Start and watch the loss fall and the first layer's filters change.",
        "When the run is done, press \"Use this model\" so the next step reads your drawing with it.",
      ],
      link: "tab=train&recipe=sigmoid-0-vs-1",
      question: "The loss starts near ln 2 = 0.69: why that number for a network that guesses 50%?",
    },
    {
      title: "Test it on your drawing",
      text: [
        "Draw a 0, then a 1. The network can only answer 0 or 1: draw a 7 and see which it picks and how sure it is.",
      ],
      link: "tab=draw",
      question: "Which digits other than 0 and 1 does it call a 1 most confidently? What do they share with a 1?",
    },
  ],
};
