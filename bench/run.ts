import { cpus, loadavg, totalmem } from 'node:os';
import { ANSWER_COST_SHAPES, measureAnswerCost } from './answerCost.js';
import { measurePromptSize } from './promptSize.js';
import { CONCURRENCIES, measureRelayComparison } from './relayComparison.js';
import { measureRetrievalLatency } from './retrievalLatency.js';
import { measureSchemaRecall } from './schemaRetrieval.js';
import { measureSemanticPromptSize } from './semanticPrompt.js';
import { measureServerLatency } from './serverLatency.js';
import { ms } from './stats.js';

/** `npm run bench`: every performance target, printed as the README's tables. */
const lines: string[] = [];
const out = (line = '') => {
  lines.push(line);
  console.log(line);
};

out(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ')} at start`,
);
out();
const repeats = Number(process.env.BENCH_REPEATS ?? 2);
const side = await measureRelayComparison(repeats);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
out(
  `| Quarry beside a minimal relay (fake model: 200 ms to first token, 4 chars / 10 ms; mean of ${repeats} interleaved runs) | Quarry | relay | Quarry ÷ relay | target |`,
);
out('|---|---|---|---|---|');
for (const c of CONCURRENCIES) {
  out(
    `| server CPU per ask, ${c} at once | ${ms(side.quarry.cpuPerAsk[c] ?? 0)} | ${ms(side.relay.cpuPerAsk[c] ?? 0)} | ${ratio(side.quarry.cpuPerAsk[c] ?? 0, side.relay.cpuPerAsk[c] ?? 1)} | ${c === 10 ? '—' : '≤ 1.3×'} |`,
  );
}
for (const c of CONCURRENCIES) {
  for (const p of ['p50', 'p95'] as const) {
    const quarry = side.quarry.latency[c]?.[p] ?? 0;
    const relay = side.relay.latency[c]?.[p] ?? 1;
    out(
      `| server-added latency ${p}, ${c} at once | ${ms(quarry)} | ${ms(relay)} | ${ratio(quarry, relay)} | ${c === 100 && p === 'p95' ? '≤ 1.5×' : '—'} |`,
    );
  }
}
for (const [what, pick] of [
  ['server CPU', (f: typeof side.quarry) => f.beforeModelCpu],
  ['wall time', (f: typeof side.quarry) => f.beforeModelMs],
] as const) {
  for (const c of CONCURRENCIES) {
    const quarry = pick(side.quarry)[c] ?? 0;
    const relay = pick(side.relay)[c] ?? 1;
    out(
      `| before-model ${what} per ask (query sent → model request received, ÷ asks per round), ${c} at once | ${ms(quarry)} | ${ms(relay)} | ${ratio(quarry, relay)} | ${what === 'server CPU' ? '≤ 1 ms' : '—'} |`,
    );
  }
}
const mib = (value: number) => `${value.toFixed(0)} MiB`;
for (const [label, pick] of [
  ['after warm-up', (f: typeof side.quarry) => f.rss.warm],
  ['after 1,000 asks more', (f: typeof side.quarry) => f.rss.after],
] as const) {
  out(
    `| server RSS ${label} | ${mib(pick(side.quarry))} | ${mib(pick(side.relay))} | ${ratio(pick(side.quarry), pick(side.relay))} | — |`,
  );
}
out(
  `| server RSS after ÷ after warm-up (${side.quarry.rss.asks} / ${side.relay.rss.asks} asks) | ${ratio(side.quarry.rss.after, side.quarry.rss.warm)} | ${ratio(side.relay.rss.after, side.relay.rss.warm)} | — | Quarry ≤ 1.5× |`,
);
if (process.argv.includes('--relay-only')) process.exit(0);
out();
out(
  '| server-added latency (fake model: 200 ms to first token, 4 chars / 10 ms) | asks | p50 | p95 | target (p95) |',
);
out('|---|---|---|---|---|');
for (const [concurrency, rounds, workers] of [
  [1, 30, 0],
  [100, 3, 0],
  [100, 3, 2],
] as const) {
  const report = await measureServerLatency(concurrency, rounds, { workers });
  const how =
    workers > 0
      ? `${concurrency} at once, asks on ${workers} Redis workers`
      : `${concurrency} at once`;
  out(
    `| model's first chunk → client's first SQL frame, ${how} | ${report.asks} | ${ms(report.firstChunk.p50)} | ${ms(report.firstChunk.p95)} | < 5 ms |`,
  );
  out(
    `| total − model − database, ${how} | ${report.asks} | ${ms(report.serverAdded.p50)} | ${ms(report.serverAdded.p95)} | — (see the relay ratios) |`,
  );
}
out();
const recall = await measureSchemaRecall(8);
out('| schema retrieval on Spider dev (lexical only, one catalogue) | value | target |');
out('|---|---|---|');
out(
  `| questions with every gold table retrieved (≤ 8 tables) | ${(recall.fullRecall * 100).toFixed(1)}% of ${recall.questions} over ${recall.tables} tables | ≥ 95% |`,
);
out(`| tables retrieved per question (mean) | ${recall.meanTablesRetrieved.toFixed(2)} | ≤ 8 |`);
const viaRelationships = await measureSchemaRecall(8, { relationships: true });
out(
  `| the same with the foreign keys dropped and defined as relationships instead | ${(viaRelationships.fullRecall * 100).toFixed(1)}% of ${viaRelationships.questions} | ≥ ${(recall.fullRecall * 100).toFixed(1)}% (must not fall) |`,
);
const prompt = await measurePromptSize(8);
out(
  `| generation prompt tokens per ask (o200k), median / p95 | ${prompt.median} / ${prompt.p95} | — |`,
);
const semantic = await measureSemanticPromptSize(8);
out(
  `| demo company prompt tokens per ask, semantic layer off → on (${semantic.questions} questions), median / p95 | ${semantic.off.median} / ${semantic.off.p95} → ${semantic.on.median} / ${semantic.on.p95} | — |`,
);
const retrieval = await measureRetrievalLatency();
out(
  `| retrieval latency, 10,000 SQL pairs + 2,000 tables, p50 / p95 | ${ms(retrieval.p50)} / ${ms(retrieval.p95)} | p95 < 10 ms |`,
);
out(`| building those indexes (once per knowledge change) | ${ms(retrieval.buildMs)} | — |`);
out();
const answerCost = await measureAnswerCost();
out(
  `| parts after the rows (ASK_ANSWER / ASK_CHART / ASK_FOLLOW_UPS; mean over ${ANSWER_COST_SHAPES.length} result shapes) | model calls per ask | prompt tokens per ask (o200k) | of which the answer call |`,
);
out('|---|---|---|---|');
for (const row of answerCost) {
  out(`| ${row.settings} | ${row.modelCalls} | ${row.promptTokens} | ${row.answerTokens} |`);
}
const allOn = answerCost.at(-1);
out();
out('| answer call prompt tokens by result shape (all on) | tokens |');
out('|---|---|');
for (const shape of ANSWER_COST_SHAPES) out(`| ${shape} | ${allOn?.byShape[shape] ?? '—'} |`);
