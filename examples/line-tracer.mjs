// A debugger in a dozen lines: a Bdb subclass that prints every line it steps
// through, in pdb's stack-entry format. Run: node examples/line-tracer.mjs
import { Bdb } from "tsdb";

class LineTracer extends Bdb {
  userCall(frame) {
    console.log(
      `call ${frame.code.qualname}(${Object.keys(frame.locals)
        .filter((k) => k !== "this")
        .join(", ")})`,
    );
  }
  userLine(frame) {
    console.log(this.formatStackEntry([frame, frame.lineno]));
    this.setStep();
  }
  userReturn(frame, value) {
    console.log(`return ${value}`);
  }
}

new LineTracer().run(`function square(x) {
  const y = x * x;
  return y;
}
const area = square(4);
`);
