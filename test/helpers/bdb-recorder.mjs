// A Bdb that records where it stops ("event name line") and answers each stop
// with the next action of a script: "step", "next", "return", "until",
// "continue", "quit", or a function (db, frame) that calls set* itself.
// When the script runs out it quits.
import { Bdb, Breakpoint, settrace } from "../../dist/index.mjs";

export class Recorder extends Bdb {
  constructor(actions, skip = null) {
    super(skip);
    this.actions = [...actions];
    this.log = [];
  }

  act(event, frame) {
    this.log.push(`${event} ${frame.code.name} ${frame.lineno}`);
    const action = this.actions.shift() ?? "quit";
    if (typeof action === "function") action(this, frame);
    else if (action === "next" || action === "return" || action === "until") this[`set${action[0].toUpperCase()}${action.slice(1)}`](frame);
    else this[`set${action[0].toUpperCase()}${action.slice(1)}`]();
  }

  userCall(frame) {
    if (!this.stopHere(frame)) return;
    this.act("call", frame);
  }

  userLine(frame) {
    this.act("line", frame);
  }

  userReturn(frame) {
    this.act("return", frame);
  }

  userException(frame) {
    this.act("exception", frame);
  }

  doClear(arg) {
    this.clearBpbynumber(arg);
  }
}

export function cleanup() {
  settrace(null);
  Breakpoint.clearBreakpoints();
}
