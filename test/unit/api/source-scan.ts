/** Reading the project's sources in a unit test: the arguments of a call found by a pattern. */

/** The text of a call's arguments from `start` (just after its opening parenthesis) to its closing one. */
export function argumentsAt(src: string, start: number): string {
  let depth = 1;
  let i = start;
  while (depth > 0 && i < src.length) {
    const c = src[i++];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return src.slice(start, i - 1);
}
