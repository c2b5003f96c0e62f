/** A text's lines without their "\n": a final newline ends the last line, it does not start an empty one. */
export const splitLines = (text: string): Array<string> => {
  const lines = text.split("\n")
  if (text.endsWith("\n")) lines.pop()
  return lines
}
