import { Inventory } from "./inventory.js";
import { fetchRate } from "./pricing.js";

async function report(currency: string): Promise<void> {
  const stock = new Inventory();
  stock.add({ sku: "A1", name: "widget", qty: 10, price: 2.5 });
  stock.add({ sku: "B2", name: "gadget", qty: 3, price: 12 });
  stock.add({ sku: "C3", name: "doohickey", qty: 7, price: 4 });
  stock.remove("B2", 1);

  const rate = await fetchRate(currency);
  const total = stock.totalValue() * rate;
  console.log(`stock value: ${total.toFixed(2)} ${currency}`);
  for (const item of stock.lowStock(5)) {
    console.log(`low stock: ${item.name} (${item.qty})`);
  }
}

report(process.argv[2] ?? "EUR");
