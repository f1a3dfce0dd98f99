#!/usr/bin/env node
/** The `strata` executable (package.json "bin"): runs the command line on this process's arguments. */
import process from "node:process";
import { main } from "./main.js";

await main(process.argv.slice(2));
