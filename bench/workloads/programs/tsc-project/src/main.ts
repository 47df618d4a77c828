import { Circle, Rect, type Shape } from "./shapes.js";

function total<T extends Shape>(shapes: readonly T[]): number {
  return shapes.reduce((sum, s) => sum + s.area(), 0);
}
const shapes: Shape[] = [new Circle(1), new Rect(2, 3)];
const byName = new Map(shapes.map((s) => [s.name, s] as const));
export const report = `${total(shapes).toFixed(2)} ${[...byName.keys()].join(",")}`;
