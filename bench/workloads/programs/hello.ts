interface Item {
  name: string;
  qty: number;
}
const items: Item[] = [{ name: "a", qty: 1 }];
console.log(items.length);
