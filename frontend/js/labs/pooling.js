// Lab 2: max pooling with its winners, the gradient through it, average pooling (course
// notebook 000).
export default {
  id: "pooling",
  title: "Pooling, its winners and its gradient",
  notebook: "Course notebook 000",
  summary: "Max-pool a 6×6 matrix by hand, find each window's winner, send a gradient back through it, do the same with average pooling, then watch pooling on a real digit.",
  data: "Nothing to download: the matrices are typed in and the last step pools the digit you drew. None of the notebook's pooling examples uses MNIST's 60,000 training digits.",
  steps: [
    {
      title: "Max pooling 2×2",
      text: [
        "Pooling with size 2 cuts the 6×6 matrix into nine 2×2 windows that do not overlap and keeps each window's largest number: [[6, 7, 5], [7, 7, 7], [8, 5, 7]].",
        "Each window's winner is remembered by where it was; the place, counted row by row in the 6×6, is its index. The backward pass needs nothing else.",
      ],
      link: "tab=sandbox&sbin=3,4,2,1,5,2;2,6,1,7,1,4;0,3,1,6,2,7;7,0,7,5,4,0;4,8,0,2,5,0;3,3,5,0,7,5&sbop=maxpool&sbpool=2",
      question: "The top-left window's winner, 6, sits at row 1, column 1: what is its index in the 6×6, counting from 0?",
    },
    {
      title: "The gradient through max pooling",
      text: [
        "Going back, each window's upstream gradient goes to its winner alone: the other three numbers did not change the output, so their gradient is 0. So at most nine cells of the 6×6 gradient are not zero; here eight, because one upstream gradient is itself 0.",
        "A window with two equal largest numbers still has one winner: the first in reading order.",
      ],
      link: "tab=sandbox&sbin=3,4,2,1,5,2;2,6,1,7,1,4;0,3,1,6,2,7;7,0,7,5,4,0;4,8,0,2,5,0;3,3,5,0,7,5&sbop=maxpool&sbpool=2&sbgrad=7,6,6;8,5,8;2,0,5",
      question: "If you change the 6 at row 1, column 1 to 6.5, which gradient cells change?",
    },
    {
      title: "Average pooling and its gradient",
      text: [
        "Average pooling keeps each window's mean instead: [[3.25, 3, 2.5], [2.25, 2, 4.5], [2.25, 5.75, 2.75]] for this matrix. Every number of a window counted for a quarter, so each gets a quarter of the window's gradient.",
      ],
      link: "tab=sandbox&sbin=4,2,2,3,0,5;2,5,3,4,0,5;0,3,3,4,5,5;0,6,1,0,4,4;6,3,7,8,1,7;0,0,7,1,2,1&sbop=avgpool&sbpool=2&sbgrad=7,6,6;8,5,8;2,0,5",
      question: "Which pooling lets a single bright pixel decide the output, and which dilutes it?",
    },
    {
      title: "Pooling a real digit",
      text: [
        "The same windows run over every map of a trained network. Here the first pooling layer halves each 28×28 map of your drawing to 14×14; pick a window to see its four values, its winner, and where the gradient of the predicted class goes back to. The average-pooling panel shows the same windows averaged.",
      ],
      link: "tab=pooling&pool=pool1&map=0",
      question: "Find a window that lies on the ink's edge: is its winner on the ink?",
    },
  ],
};
