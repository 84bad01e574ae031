// Lab 3: translation invariance of max pooling (course notebook 001).
const IMAGE_A = "0,0,0,0,1,0;0,0,0,0,0,0;0,0,0,0,1,0;0,0,0,0,0,0;0,0,0,0,1,0;0,0,0,0,0,0";
const IMAGE_B = "0,0,0,0,0,0;0,0,0,0,1,0;0,0,0,0,0,0;0,0,0,0,1,0;0,0,0,0,0,0;0,0,0,0,1,0";
const KERNEL = "0,1,2;0,-1,1;0,3,0";
// The two images convolved with KERNEL (valid, not flipped), as the sandbox shows them in steps 3
// and 4, typed in again for pooling.
const CONV_A = "0,0,2,4;0,0,1,-1;0,0,2,4;0,0,1,-1";
const CONV_B = "0,0,1,-1;0,0,2,4;0,0,1,-1;0,0,2,4";

export default {
  id: "invariance",
  title: "Translation invariance",
  notebook: "Course notebook 001",
  summary: "Two 6×6 images, one the other moved down a row, become the same after max pooling, before and after a convolution; then shift your own drawing.",
  data: "Nothing to download: the images are typed in and the last step shifts the digit you drew. The notebook's translation example uses none of MNIST's 60,000 training digits.",
  steps: [
    {
      title: "Pool the first image",
      text: [
        "Image A has three dots in column 4, on rows 0, 2 and 4. Max pooling 2×2 asks of each window only whether a dot is in it: [[0, 0, 1], [0, 0, 1], [0, 0, 1]].",
      ],
      link: `tab=sandbox&sbin=${IMAGE_A}&sbop=maxpool&sbpool=2`,
      question: "Which windows would still answer 1 if every dot moved down one row?",
    },
    {
      title: "Pool the shifted image",
      text: [
        "Image B is image A moved down one row (dots on rows 1, 3 and 5). Every dot stays inside the same 2×2 window, so the pooled output is identical.",
        "The winners moved, though: compare the Pindex grid with the last step's. On the way back, the gradient would reach the dots where they are now.",
      ],
      link: `tab=sandbox&sbin=${IMAGE_B}&sbop=maxpool&sbpool=2`,
      question: "Move a dot one column right instead: does the output still match? And two columns?",
    },
    {
      title: "Convolve the first image",
      text: [
        "In a network the pooling comes after a convolution. The 3×3 kernel here turns image A into a 4×4 map whose rows alternate 0 0 2 4 and 0 0 1 −1.",
      ],
      link: `tab=sandbox&sbin=${IMAGE_A}&sbkernel=${KERNEL}&sbop=conv&sbpad=valid`,
      question: "Why are the first two columns all zeros?",
    },
    {
      title: "Convolve the shifted image",
      text: [
        "The convolution follows the shift: image B's map is image A's map moved down one row. A convolution is equivariant, not invariant: what it finds moves with the input.",
      ],
      link: `tab=sandbox&sbin=${IMAGE_B}&sbkernel=${KERNEL}&sbop=conv&sbpad=valid`,
      question: "How many of the 16 numbers differ from the last step?",
    },
    {
      title: "Pool both maps",
      text: [
        "Here is image A's map, pooled 2×2: [[0, 4], [0, 4]]. Go Back and Next between this step and the next: image B's map pools to the same four numbers, because each window holds one row of each kind.",
      ],
      link: `tab=sandbox&sbin=${CONV_A}&sbop=maxpool&sbpool=2`,
      question: "Would a shift of two rows also pool to the same output? Of three?",
    },
    {
      title: "The shifted map, pooled",
      text: [
        "Image B's map, pooled: the same [[0, 4], [0, 4]]. The conv map changed everywhere; after pooling nothing did.",
      ],
      link: `tab=sandbox&sbin=${CONV_B}&sbop=maxpool&sbpool=2`,
      question: "Which layer of a network would you expect to be the most shift-tolerant: the first pooling or the last?",
    },
    {
      title: "Your drawing, shifted",
      text: [
        "Now a real network on your own drawing: section 4 of the Pooling view, \"Translation invariance\", moves the drawing 1 to 3 pixels and compares the first layer's map just before pooling and just after it, for the drawing and for the shifted drawing, by cosine similarity (1 is identical).",
      ],
      link: "tab=pooling&pool=pool1&map=0",
      question: "Shift by 1, 2 and 3 pixels: how fast does the similarity fall before pooling, and after?",
    },
  ],
};
