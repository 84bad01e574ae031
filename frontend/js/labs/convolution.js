// Lab 1: convolution by hand, in one and two dimensions (course notebooks 003 and 004).
export default {
  id: "convolution",
  title: "Convolution by hand",
  notebook: "Course notebooks 003 and 004",
  summary: "Slide a kernel along a signal and across a matrix, with and without the flip, with each padding and a stride; then run image kernels on a digit and on your own photo.",
  data: "Nothing to download: every step computes on numbers you type, on your drawing or on your photo. None of the notebooks' convolution examples uses MNIST's 60,000 training digits.",
  steps: [
    {
      title: "A 1-D convolution, kernel flipped",
      text: [
        "A convolution in the textbook sense turns the kernel around before it slides: each output is the sum of the signal's numbers under the kernel, each multiplied by the kernel number facing it after the flip.",
        "Here x = 1 3 2 4 5 6 1 3 and w = 1 0 3 1 2, with two zeros added at each end (padding \"same\"), so the output is as long as the input: 5 14 16 26 24 34 19 22.",
      ],
      link: "tab=sandbox&sbin=1,3,2,4,5,6,1,3&sbkernel=1,0,3,1,2&sbop=conv&sbpad=same&sbflip=1",
      question: "Work out the first output, 5, by hand: which two numbers of x meet which numbers of the flipped kernel 2 1 3 0 1?",
    },
    {
      title: "Without the flip: cross-correlation",
      text: [
        "Networks skip the flip: a layer slides its kernel as it is stored, which is called cross-correlation. Since the kernel is learnt, nothing is lost; a learnt kernel would simply come out flipped.",
        "Same signal, same kernel, same padding, no flip: every output changes (10 19 21 32 25 29 11 15).",
      ],
      link: "tab=sandbox&sbin=1,3,2,4,5,6,1,3&sbkernel=1,0,3,1,2&sbop=conv&sbpad=same",
      question: "Which kernels give the same answer flipped or not?",
    },
    {
      title: "Full and valid padding",
      text: [
        "Padding decides where the kernel may stand. \"Full\" pads m − 1 = 4 zeros on each side, so the kernel starts touching only the first number: 8 + 5 − 1 = 12 outputs. \"Valid\" pads nothing, so the kernel stays inside the signal: 8 − 5 + 1 = 4 outputs. \"Same\" sits between them.",
      ],
      link: "tab=sandbox&sbin=1,3,2,4,5,6,1,3&sbkernel=1,0,3,1,2&sbop=conv&sbpad=full&sbflip=1",
      question: "Before switching to valid: which 4 of these 12 numbers will you keep?",
    },
    {
      title: "Stride and the output-size formula",
      text: [
        "A stride of 2 moves the kernel two places at a time, so it keeps every other output of step 1: 5 16 24 19.",
        "The number of outputs is o = ⌊(n + 2p − m) / s⌋ + 1: here ⌊(8 + 2·2 − 5) / 2⌋ + 1 = 4. The division is floored because a kernel that would stick out past the padding is not used.",
      ],
      link: "tab=sandbox&sbin=1,3,2,4,5,6,1,3&sbkernel=1,0,3,1,2&sbop=conv&sbpad=2&sbstride=2&sbflip=1",
      question: "With stride 3, how many outputs, and which ones?",
    },
    {
      title: "A 2-D convolution, kernel flipped",
      text: [
        "In two dimensions the flip turns the kernel half a turn (both axes, not a transpose), then the window slides along rows and down columns. A 4×4 input with a 3×3 kernel and no padding leaves room for 2×2 positions: [[25, 24], [28, 25]].",
      ],
      link: "tab=sandbox&sbin=1,3,2,4;5,6,1,3;1,2,0,2;3,4,3,2&sbkernel=1,0,3;1,2,1;0,1,1&sbop=conv&sbpad=valid&sbflip=1",
      question: "Write the kernel turned half a turn, then check the top-left 25 with it.",
    },
    {
      title: "Same padding in 2-D",
      text: [
        "One ring of zeros around the 4×4 input (p = 1 for a 3×3 kernel) keeps the output 4×4. The middle four outputs are the valid ones of the last step; the ring around them is where the kernel overlaps the zeros.",
      ],
      link: "tab=sandbox&sbin=1,3,2,4;5,6,1,3;1,2,0,2;3,4,3,2&sbkernel=1,0,3;1,2,1;0,1,1&sbop=conv&sbpad=same&sbflip=1",
      question: "Why is the bottom-right corner, 9, the smallest output?",
    },
    {
      title: "Image kernels on your drawing",
      text: [
        "Hand-made kernels were image filters long before networks learnt their own. The edge kernel (8 in the middle, −1 around it) answers 0 on flat areas and strongly where the ink starts or stops.",
        "The playground, below the stepper on this view, slides it over the digit you drew. Try sharpen, the blurs, Sobel and emboss, or type your own numbers.",
      ],
      link: "tab=stepper&kernel=edge&playground=28,1,same,1",
      question: "Which kernel makes a thin stroke look doubled, and why?",
    },
    {
      title: "Image kernels on your own photo",
      text: [
        "The same kernels work on a photo at full resolution: choose one (a face, a building, a page of text) in \"Your photo\", at the bottom of this view, and compare edge, sharpen and blur. The kernel is the same nine numbers on any image; what changes is how much of the picture its 3×3 pixels cover.",
      ],
      link: "tab=stepper&kernel=edge&playground=28,1,same,1",
      question: "Why does a 3×3 blur look much weaker on a large photo than on the 28×28 digit?",
    },
  ],
};
