// The `rlhf` command. Account commands talk to the database (DATABASE_URL, else the embedded server of a
// running `npm start`, else the embedded server started for the command); training commands run the
// engine locally and need no database.
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { openDatabase } from "./runtime.ts";

const USAGE = `Usage: rlhf <command> [options]

Accounts
  rlhf user create --email E --password P --role ADMIN|REVIEWER|LABELER [--name N]
  rlhf token create --email E [--name N]        prints a new API token once

Data
  rlhf import --project ID FILE [--mode partial|all_or_nothing] [--as EMAIL]
  rlhf export --snapshot ID --format sft|sft_messages|preference|prompts [--out FILE]

Training (local, no database)
  rlhf train pretrain|sft|rm|ppo|dpo --data FILE.jsonl [--from DIR] [--reward DIR] --out DIR
             [--preset tiny|small] [--set key=value ...] [--json]
  rlhf generate --model DIR --prompt "..." [--max-tokens N --temperature T --seed S]
`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

async function withDb<T>(fn: () => Promise<T>): Promise<T> {
  const db = await openDatabase({ log: (l) => (l.startsWith("[postgres]") ? undefined : console.error(`[rlhf] ${l}`)) });
  process.env.DATABASE_URL = db.url;
  try {
    return await fn();
  } finally {
    const { getDb, getPool } = await import("../lib/db.ts");
    await getDb().$disconnect().catch(() => {});
    // The pool's idle connections too: an embedded server stopping under them would crash the command.
    await getPool().end().catch(() => {});
    await db.stop();
  }
}

async function userCreate(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: "string" }, password: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    strict: true,
  });
  const { ZCreateUserRequest } = await import("../lib/schemas/accounts.ts");
  if (!values.email) fail("--email is required");
  if (!values.password) fail("--password is required");
  if (!values.role) fail("--role is required (ADMIN, REVIEWER or LABELER)");
  const input = ZCreateUserRequest.parse({ ...values, role: values.role.toUpperCase() });
  await withDb(async () => {
    const { createUser } = await import("../lib/server/users/create-user.ts");
    const user = await createUser(input);
    console.log(`Created ${user.role} ${user.email} (${user.id})`);
  });
}

async function tokenCreate(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { email: { type: "string" }, name: { type: "string" } }, strict: true });
  if (!values.email) fail("--email is required");
  const email = values.email.trim().toLowerCase();
  await withDb(async () => {
    const { db } = await import("../lib/db.ts");
    const user = await db.user.findUnique({ where: { email }, select: { id: true, active: true } });
    if (!user) throw new Error(`no user with email ${email}`);
    if (!user.active) throw new Error(`${email} is deactivated`);
    const { createApiToken } = await import("../lib/server/tokens/create-api-token.ts");
    const token = await createApiToken({ userId: user.id, name: values.name ?? "CLI token" });
    console.log(token.token);
    console.error(`[rlhf] Token "${token.name}" for ${email}. It is shown only this once.`);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === "user" && sub === "create") await userCreate(rest);
  else if (command === "token" && sub === "create") await tokenCreate(rest);
  else if (command === "train" || command === "generate") {
    const { runEngineCli } = await import("../workers/cli/index.ts");
    return runEngineCli(argv);
  } else if (command === "import" || command === "export") {
    const mod = command === "import" ? "../lib/server/import/cli.ts" : "../lib/server/export/cli.ts";
    const fn = command === "import" ? "runImportCli" : "runExportCli";
    const loaded = (await import(mod).catch(() => null)) as Record<string, (a: string[]) => Promise<number>> | null;
    if (!loaded?.[fn]) fail(`'rlhf ${command}' is not available in this build`);
    let code = 0;
    await withDb(async () => {
      code = await loaded[fn](argv.slice(1));
    });
    return code;
  } else fail(`unknown command: ${argv.slice(0, 2).join(" ")}`);
  return 0;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    if (err instanceof UsageError) console.error(`rlhf: ${err.message}\n\n${USAGE}`);
    else if (err instanceof ZodError) console.error(`rlhf: ${err.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("; ")}`);
    else if ((err as NodeJS.ErrnoException)?.code?.startsWith?.("ERR_PARSE_ARGS")) console.error(`rlhf: ${err.message}\n\n${USAGE}`);
    else console.error(`rlhf: ${err instanceof Error ? err.message : String(err)}`);
    const usage = err instanceof UsageError || err instanceof ZodError || (err as NodeJS.ErrnoException)?.code?.startsWith?.("ERR_PARSE_ARGS");
    process.exit(usage ? 2 : 1);
  });
