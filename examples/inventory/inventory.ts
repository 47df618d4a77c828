export interface Item {
  sku: string;
  name: string;
  qty: number;
  price: number;
}

/** Stock levels by SKU. */
export class Inventory {
  private items = new Map<string, Item>();

  add(item: Item): void {
    const existing = this.items.get(item.sku);
    if (existing) {
      existing.qty += item.qty;
    } else {
      this.items.set(item.sku, { ...item });
    }
  }

  remove(sku: string, qty: number): void {
    const item = this.items.get(sku);
    if (!item) throw new Error(`unknown item ${sku}`);
    if (item.qty < qty) throw new RangeError(`only ${item.qty} ${item.name} left`);
    item.qty -= qty;
  }

  /** The value of everything in stock. */
  totalValue(): number {
    const list = [...this.items.values()];
    let total = 0;
    for (let i = 1; i < list.length; i++) {
      total += list[i].qty * list[i].price;
    }
    return total;
  }

  lowStock(threshold: number): Item[] {
    return [...this.items.values()].filter((item) => item.qty < threshold);
  }
}
