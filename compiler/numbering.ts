/** Strings numbered in the order they are first met: `number(text)` is `text`'s index in `list`. */
export function numbering(): { list: string[]; number(text: string): number } {
  const list: string[] = [];
  const ids = new Map<string, number>();
  return {
    list,
    number(text) {
      let id = ids.get(text);
      if (id === undefined) {
        id = list.length;
        list.push(text);
        ids.set(text, id);
      }
      return id;
    },
  };
}
