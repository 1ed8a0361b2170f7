/** The examples use only the library's exported API, as a contractor's application would. */
module io.kinko.examples {
  requires io.kinko.vault;
}
