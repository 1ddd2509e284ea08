// Entry of a worker thread that runs TypeScript (workers/thread/run-stage.ts): Node 20 cannot load a
// .ts file as a worker's entry, even under tsx (the --import hooks are not applied to it), so this plain
// module registers tsx's loader in the thread and then imports the real entry named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
