/** Every debugger command, in one table. */
import { CommandTable } from "../command.js";
import { breakpoints } from "./breakpoints.js";
import { help } from "./help.js";
import { inspect } from "./inspect.js";
import { listing } from "./listing.js";
import { session } from "./session.js";
import { stack } from "./stack.js";
import { stepping } from "./stepping.js";

export const COMMANDS = new CommandTable([...help, ...stack, ...breakpoints, ...stepping, ...listing, ...inspect, ...session]);
