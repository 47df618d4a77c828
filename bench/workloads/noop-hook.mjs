// A module hook that does nothing, loaded with `--import` as tsdb/register is: what Node 20 itself
// charges any loader (the module hooks thread, every ES module's resolve and load passed through
// it, stack traces formatted with source maps on, as tsdb/register and tsx turn them on). The
// suites bench shows it beside tsdb's column, so what tsdb adds can be read apart from Node's floor.
import { register } from "node:module";

register("data:text/javascript,export function resolve(specifier, context, next) { return next(specifier, context); }");
process.setSourceMapsEnabled(true);
