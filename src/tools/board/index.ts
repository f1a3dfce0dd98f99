/** `strata board`'s dashboard: the server (`board`) and the run store it reads logs through. */
export { board, type Board, type BoardOptions } from "./server.js";
export { RunStore, type StoreUpdate } from "./run-store.js";
