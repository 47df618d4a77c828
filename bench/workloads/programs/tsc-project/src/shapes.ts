export interface Shape {
  area(): number;
  name: string;
}
export class Circle implements Shape {
  name = "circle";
  constructor(readonly r: number) {}
  area(): number {
    return Math.PI * this.r * this.r;
  }
}
export class Rect implements Shape {
  name = "rect";
  constructor(
    readonly w: number,
    readonly h: number,
  ) {}
  area(): number {
    return this.w * this.h;
  }
}
