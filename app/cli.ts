/** The `warroom` CLI. Only commands that work are listed; each has --help. */
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.js';

type EvalOptions = { data?: string; json?: string; tier: 'quick' | 'full'; list?: boolean };

/**
 * Where `warroom eval` and `warroom bench` find their runners. evals/ drives the composed product
 * (it starts instances through app/), so app/ cannot import it without an import circle; the
 * executable (bin/warroom.js), which sits above both, hands the loaders in.
 */
export interface EvalLoaders {
  eval(): Promise<{ runEvalCommand(suite: string | undefined, o: EvalOptions): Promise<number> }>;
  bench(): Promise<{ runBench(name: string, o: Record<string, string>, cfg: Config): Promise<number> }>;
}

const NO_EVALS: EvalLoaders = {
  eval: () => Promise.reject(new Error('this entry point runs no evals (bin/warroom.js does)')),
  bench: () => Promise.reject(new Error('this entry point runs no benchmarks (bin/warroom.js does)')),
};

export async function main(argv: string[], evals: EvalLoaders = NO_EVALS): Promise<void> {
  const program = new Command('warroom')
    .description('Warroom: an AI DevOps copilot that lives in the incident channel')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('start')
    .description('Run the product: API and pipeline in one process (embedded PGlite and in-process bus unless DATABASE_URL / NATS_URL are set)')
    .action(async () => {
      const { runStart } = await import('./commands/start.js');
      await runStart(loadConfigOrExit());
    });

  const audit = program.command('audit').description('The hash-chained audit log');
  audit
    .command('verify')
    .description('Check every org\'s audit chain with the audit key and its latest checkpoint; exits 1 and lists each edited, forged, inserted or deleted row and a rewound tail')
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }) => {
      const { runAuditVerify } = await import('./commands/audit.js');
      process.exitCode = await runAuditVerify(loadConfigOrExit(), o);
    });
  audit
    .command('checkpoint')
    .description('Record a signed checkpoint (org, seq, head hash, time) of every org whose chain grew, in WARROOM_AUDIT_CHECKPOINT_DIR')
    .action(async () => {
      const { runAuditCheckpoint } = await import('./commands/audit.js');
      process.exitCode = await runAuditCheckpoint(loadConfigOrExit());
    });

  const policy = program.command('policy').description("An org's own Cedar policies for the preflight, on a running instance (GET/PUT/DELETE /v1/policies)");
  const instanceOptions = (c: Command) =>
    c
      .option('--url <url>', 'the running instance (default http://127.0.0.1:$PORT)')
      .option('--key <key>', 'API key of the org: read to list, admin to put or delete (default $WARROOM_API_KEY)')
      .option('--json', 'print JSON');
  instanceOptions(policy.command('list').description('List the policy sets the preflight evaluates: built-in (read-only) and the org\'s own, with their policy ids')).action(
    async (o: { url?: string; key?: string; json?: boolean }) => {
      const { runPolicyList } = await import('./commands/policy.js');
      process.exitCode = await runPolicyList(o);
    },
  );
  instanceOptions(
    policy
      .command('put')
      .description("Store the org's policy set NAME from FILE (- for standard input), checked against policies/warroom.cedarschema; problems print as FILE:LINE:COLUMN")
      .argument('<name>', 'the set name: lowercase letters, digits, - and _')
      .argument('<file>', 'a .cedar file, or - for standard input'),
  ).action(async (name: string, file: string, o: { url?: string; key?: string; json?: boolean }) => {
    const { runPolicyPut } = await import('./commands/policy.js');
    process.exitCode = await runPolicyPut(name, file, o);
  });
  instanceOptions(policy.command('delete').description("Remove the org's policy set NAME").argument('<name>', 'the set name')).action(
    async (name: string, o: { url?: string; key?: string; json?: boolean }) => {
      const { runPolicyDelete } = await import('./commands/policy.js');
      process.exitCode = await runPolicyDelete(name, o);
    },
  );

  program
    .command('eval')
    .description('Run eval suites (all quick-tier suites when none is named); exits 1 when a threshold fails')
    .argument('[suite]', 'suite name (see --list)')
    .option('--data <dir>', 'data folder for suites that read benchmark data')
    .option('--json <file>', 'also write the results as JSON to this file')
    .addOption(new Option('--tier <tier>', 'which suites to run when none is named').choices(['quick', 'full']).default('quick'))
    .option('--list', 'list the suites and exit')
    .action(async (suite: string | undefined, o: EvalOptions) => {
      const { runEvalCommand } = await evals.eval();
      process.exitCode = await runEvalCommand(suite, o);
    });

  const sim = program.command('sim').description('The sandbox: a simulated 20-service shop with fault injection and ground truth');
  sim
    .command('list')
    .description('List the scenario library and the fault kinds')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { runSimList } = await import('./commands/sim.js');
      process.exitCode = await runSimList(o);
    });
  sim
    .command('inject')
    .description('Inject a fault into the running instance\'s sandbox (needs an admin-scope key)')
    .argument('<fault>', 'fault kind (see `warroom sim list`)')
    .option('--service <service>', 'the service to break (default: the fault kind\'s usual target)')
    .option('--instance <pod>', 'one pod or shard only')
    .option('--duration <duration>', 'how long it lasts, e.g. 20m (default: until remedied)')
    .option('--url <url>', 'the running instance (default http://127.0.0.1:$PORT)')
    .option('--key <key>', 'API key with the admin scope (default $WARROOM_API_KEY)')
    .option('--json', 'print JSON')
    .action(async (fault: string, o: Record<string, string | boolean>) => {
      const { runSimInject } = await import('./commands/sim.js');
      process.exitCode = await runSimInject(fault, o);
    });
  sim
    .command('kubeconfig')
    .description("Print a kubeconfig for the running sandbox's Kubernetes API (namespace shop; save it and use kubectl --kubeconfig FILE)")
    .option('--url <url>', 'the running instance (default http://127.0.0.1:$PORT); the API is its /k8s')
    .option('--key <key>', 'API key of the sandbox\'s org: read scope to look, admin to change (default $WARROOM_API_KEY)')
    .action(async (o: { url?: string; key?: string }) => {
      const { runSimKubeconfig } = await import('./commands/sim.js');
      process.exitCode = runSimKubeconfig(o);
    });
  sim
    .command('export')
    .description("Write a scenario's signals (metrics.csv, logs.jsonl, events.jsonl…), topology and ground truth as files")
    .argument('<scenario>', 'scenario id (see `warroom sim list`)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--logs-per-min <n>', 'log lines per minute', (v) => Number(v))
    .option('--traces-per-min <n>', 'sampled requests per minute, written as spans (spans.jsonl)', (v) => Number(v))
    .option('--trace-logs', 'sampled requests also log their steps with their trace id (needs --traces-per-min or the scenario\'s own)')
    .option('--json', 'print a JSON summary')
    .action(async (scenario: string, o: { out: string; logsPerMin?: number; tracesPerMin?: number; traceLogs?: boolean; json?: boolean }) => {
      const { runSimExport } = await import('./commands/sim.js');
      process.exitCode = await runSimExport(scenario, o);
    });

  program
    .command('replay')
    .description('Feed a scenario through the public ingest API, into a running instance (--url) or a fresh embedded one, and summarise the incidents')
    .argument('<scenario>', 'scenario id (see `warroom sim list`)')
    .option('--speed <n>', 'virtual seconds per real second (default: as fast as possible)', (v) => Number(v))
    .option('--url <url>', 'a running instance (default: start an embedded one)')
    .option('--key <key>', 'API key with the ingest scope (default $WARROOM_API_KEY)')
    .option('--logs-per-min <n>', 'log lines per minute', (v) => Number(v))
    .option('--run-id <id>', 'part of the Idempotency-Keys: a new id sends the data again')
    .option('--json', 'print JSON')
    .action(async (scenario: string, o: Record<string, string | number | boolean>) => {
      const { runReplay } = await import('./commands/sim.js');
      process.exitCode = await runReplay(scenario, o);
    });

  program
    .command('rca')
    .description('Replay a recorded incident folder (case.json, metrics.csv, logs.jsonl, events.jsonl, spans.jsonl, topology.json) into a fresh embedded instance and print the ranked root-cause services as JSON')
    .argument('<case_dir>', 'the case folder (layout of ../shared/data/rca, or a `warroom sim export`)')
    .option('--batch <n>', 'signals per ingest request', (v) => Number(v))
    .action(async (dir: string, o: { batch?: number }) => {
      const { runRca } = await import('./commands/rca.js');
      process.exitCode = await runRca(dir, o);
    });

  const logs = program.command('logs').description('Log parsing and template clustering');
  logs
    .command('cluster')
    .description('Cluster log lines into templates; prints CSV LineId,ClusterId,Template (one row per input line, in order)')
    .argument('<file>', 'a log file, or - for stdin')
    .option('--format <format>', "a '<Date> <Time> <Level> <Component>: <Content>' format string, or auto, json, logfmt, text", 'auto')
    .option('--no-join', 'do not join stack-trace continuation lines to the record before them')
    .action(async (file: string, o: { format?: string; join?: boolean }) => {
      const { runLogsCluster } = await import('./commands/logs.js');
      process.exitCode = await runLogsCluster(file, o);
    });

  program
    .command('ask')
    .description('Ask the agent about incidents, evidence and runbooks; prints the answer, its numbered citations and who answered')
    .argument('<question>', 'the question, e.g. "what is going on with checkout?"')
    .option('--incident <id>', 'the incident the question is about')
    .option('--thread <id>', 'continue this conversation (the thread id of an earlier answer)')
    .option('--json', "print the API's JSON answer")
    .option('--url <url>', 'ask through this running instance (default: the one holding the embedded database, if any)')
    .option('--key <key>', 'API key with the read scope for --url (default $WARROOM_API_KEY)')
    .action(async (question: string, o: Record<string, string | boolean>) => {
      const { runAsk } = await import('./commands/ask.js');
      process.exitCode = await runAsk(loadConfigOrExit(), question, o);
    });

  program
    .command('chat')
    .description("The local war room's conversation in the terminal: commands (help, status, analyze, plan, approve PLAN…) and questions, as the key's user, through a running instance")
    .option('--incident <id>', "start in this incident's room (its incident is the default, plain text is a question)")
    .option('--once <text>', 'send one line, print the answer and exit (for scripts)')
    .option('--url <url>', 'the running instance (default: the one holding the embedded database, else http://127.0.0.1:$PORT)')
    .option('--key <key>', 'your API key (default $WARROOM_API_KEY)')
    .action(async (o: { incident?: string; once?: string; url?: string; key?: string }) => {
      const { runChat } = await import('./commands/chat.js');
      process.exitCode = await runChat(loadConfigOrExit(), o);
    });

  const kb = program.command('kb').description('The knowledge base: runbooks and postmortems with cited hybrid search');
  kb
    .command('index')
    .description('Index a folder of markdown, text, HTML and PDF documents (re-indexing replaces changed documents)')
    .argument('<dir>', 'the folder')
    .option('--org <org>', 'the org (default: the default org)')
    .option('--name <name>', 'connector name for this folder')
    .option('--no-prune', 'keep documents whose files are gone')
    .option('--url <url>', 'index through this running instance (default: the one holding the embedded database, if any)')
    .option('--key <key>', 'API key with the admin scope for --url (default $WARROOM_API_KEY)')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: Record<string, string | boolean>) => {
      const { runKbIndex } = await import('./commands/kb.js');
      process.exitCode = await runKbIndex(loadConfigOrExit(), dir, o);
    });
  kb
    .command('search')
    .description('Search the knowledge base; hits carry doc id, title, heading path, line range, snippet and score')
    .argument('<query>', 'what to look for')
    .option('--k <n>', 'how many hits', '10')
    .option('--json', 'print JSON')
    .option('--org <org>', 'the org (default: the default org)')
    .option('--incident <id>', "let this incident's service, error templates and alerts inform the query")
    .option('--url <url>', 'search through this running instance (default: the one holding the embedded database, if any)')
    .option('--key <key>', 'API key with the read scope for --url (default $WARROOM_API_KEY)')
    .action(async (query: string, o: Record<string, string | boolean>) => {
      const { runKbSearch } = await import('./commands/kb.js');
      process.exitCode = await runKbSearch(loadConfigOrExit(), query, o);
    });

  program
    .command('detect')
    .description('Score a metric series; input CSV timestamp,value; prints CSV timestamp,value,anomaly_score,label (the NAB results format)')
    .argument('<file>', 'a CSV file, or - for stdin')
    .action(async (file: string) => {
      const { runDetect } = await import('./commands/detect.js');
      process.exitCode = await runDetect(file);
    });

  program
    .command('bench')
    .description('Run a benchmark and print its figures')
    .argument('<name>', 'benchmark: ingest, logs, sim, detect, pipeline, kb, analyze, ask, slack-ack, verify')
    .option('--engine <engine>', 'pglite, postgres or both', 'both')
    .option('--batches <n>', 'batches of 1,000 signals per engine', '200')
    .option('--concurrency <n>', 'requests in flight', '4')
    .option('--json <file>', 'also write the figures as JSON to this file')
    .option('--thread <where>', 'where detection runs: worker, inline, or both (ingest; pipeline takes one; default WARROOM_DETECTION_THREAD)')
    .option('--data <dir>', 'benchmark data folder (logs: ../shared/data/loghub)')
    .option('--runs <n>', 'repetitions; the best run is reported (logs); calls to time (analyze; default 20); rounds of the questions (ask; default 5)')
    .option('--minutes <n>', 'simulated minutes (sim; default 60)')
    .option('--lines-per-min <n>', 'log lines per simulated minute (sim; default 200000)')
    .option('--serialize', 'also JSON-serialise every signal (sim)')
    .option('--chunks <n>', 'chunks to index (kb; default 10000)')
    .option('--queries <n>', 'search requests to time (kb; default 200)')
    .option('--requests <n>', 'signed slash commands to time (slack-ack; default 500)')
    .option('--series <n>', 'series (detect; default 2000)')
    .option('--points <n>', 'points per series (detect; default 2016)')
    .option('--memory-series <n>', 'series for the memory measurement (detect; default 10000)')
    .option('--memory-points <n>', 'points per series for the memory measurement (detect; default 720)')
    .option('--rates <list>', 'log lines per minute, comma-separated (pipeline; default 200000,2000000)')
    .option('--seconds <n>', 'seconds of real-time load per rate (pipeline; default 60)')
    .option('--scenario <id>', 'sandbox scenario (analyze, ask; default bad-deploy-errors-checkout)')
    .action(async (name: string, o: Record<string, string>) => {
      const { runBench } = await evals.bench();
      process.exitCode = await runBench(name, o, loadConfigOrExit());
    });

  await program.parseAsync(argv);
}

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`warroom: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}
