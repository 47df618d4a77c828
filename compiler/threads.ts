/**
 * Instrumenting off the main thread: a thread with a big stack for a file that
 * nests too deeply for the caller's (synchronous: the load hook has to return
 * the code), and a pool of such threads for many files at once (the CLI).
 * The work itself is `compiler/worker.ts`; errors come back as the same classes.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { PRIVATE_THREAD } from "../common/private-thread.js";
import { type InstrumentOptions, type InstrumentResult, InstrumentError } from "./instrument.js";

/**
 * The stack of an instrumenting thread. Babel recurses once or more per level of nesting (in the
 * parser, the traversal and the generator); the main thread's default (about 1 MB) overflows
 * near 400 nested functions of tsdb's output. Only the pages used are ever committed.
 */
export const BIG_STACK_MB = 512;

/** What a thread is asked: one file. `options.transforms` must be plugin paths (a function cannot cross threads). */
export interface Job {
  code: string;
  options: InstrumentOptions;
  instrumenting: boolean;
}

/** What a thread answers: the result, or the error as data. */
export type Reply =
  | { ok: true; result: InstrumentResult }
  | { ok: false; error: { name: string; message: string; instrument?: [string, number, number, string, string] } };

const WORKER = join(__dirname, "worker.js");
const threadOptions = {
  ...PRIVATE_THREAD,
  resourceLimits: { stackSizeMb: BIG_STACK_MB },
};

/** The error a reply carries, as the class it was thrown as. */
export function replyError(error: Extract<Reply, { ok: false }>["error"]): Error {
  if (error.instrument) return new InstrumentError(...error.instrument);
  const made = error.name === "RangeError" ? new RangeError(error.message) : new Error(error.message);
  if (error.name !== made.name) made.name = error.name;
  return made;
}

/**
 * Runs `job` in a new thread with a big stack and waits for it (the caller's thread blocks:
 * this is for the rare file that overflowed the caller's stack).
 */
export function runOnBigStack(job: Job): InstrumentResult {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { ...threadOptions, workerData: { job, port: port2, done }, transferList: [port2] });
  worker.unref();
  try {
    Atomics.wait(done, 0, 0);
    const reply = receiveMessageOnPort(port1)?.message as Reply | undefined;
    if (!reply) throw new Error(`tsdb: the instrumenting thread for ${job.options.filename ?? "<string>"} ended without an answer`);
    if (!reply.ok) throw replyError(reply.error);
    return reply.result;
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** Threads that instrument files in parallel, one file at a time each; `close()` when done. */
export class InstrumentPool {
  private readonly idle: Worker[] = [];
  private readonly queue: { job: Job; settle: (reply: Reply) => void }[] = [];
  private readonly workers: Worker[] = [];

  constructor(readonly size: number = availableParallelism()) {
    for (let i = 0; i < size; i++) this.idle.push(this.start());
  }

  private start(): Worker {
    const worker = new Worker(WORKER, threadOptions);
    this.workers.push(worker);
    return worker;
  }

  /** The reply for `job` (never rejects: a thread that dies is reported as the job's error). */
  run(job: Job): Promise<Reply> {
    return new Promise((settle) => {
      this.queue.push({ job, settle });
      this.next();
    });
  }

  private next(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { job, settle } = this.queue.shift()!;
      const finish = (reply: Reply, alive: boolean) => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        // A thread that died is replaced: the jobs after this one still get their answers.
        this.idle.push(alive ? worker : this.start());
        settle(reply);
        this.next();
      };
      const onMessage = (reply: Reply) => finish(reply, true);
      const onError = (error: Error) => finish({ ok: false, error: { name: error.name, message: error.message } }, false);
      const onExit = (code: number) =>
        finish({ ok: false, error: { name: "Error", message: `the instrumenting thread exited (code ${code})` } }, false);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage(job);
    }
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
