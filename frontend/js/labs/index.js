// The guided labs, one per course notebook, in the order a course takes them. Each lab is data
// (an id, a title, the notebook it follows, which data it needs, and its steps); the Labs view and
// the lab bar render them, lib/labs.js opens their steps.
import convolution from "./convolution.js";
import pooling from "./pooling.js";
import invariance from "./invariance.js";
import sigmoid from "./sigmoid.js";
import firstThousand from "./firstthousand.js";
import curves from "./curves.js";
import cnn326464 from "./cnn326464.js";

export const LABS = Object.freeze([
  convolution, pooling, invariance, sigmoid, firstThousand, curves, cnn326464,
]);
