import type { TableInfo } from '../server/src/ports.js';
import { KnowledgeIndex } from '../server/src/retrieval/knowledgeIndex.js';
import { SchemaIndex } from '../server/src/retrieval/schemaIndex.js';
import { percentile } from './stats.js';

const NOUNS =
  'order customer invoice payment product shipment warehouse supplier employee department project timesheet expense budget contract region store campaign lead ticket refund account subscription plan device sensor reading batch lot vendor asset license'.split(
    ' ',
  );
const ATTRIBUTES =
  'amount status date name code type region owner quantity price total created updated category level score rate count city country channel'.split(
    ' ',
  );
const ZH =
  '订单 客户 发票 付款 产品 发货 仓库 供应商 员工 部门 项目 工时 报销 预算 合同 区域 门店 活动 线索 工单 退款 账户 订阅 设备'.split(
    ' ',
  );

/** A deterministic generator, so every run measures the same catalogue. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

/**
 * Retrieval latency at scale: 10,000 SQL pairs and 2,000 tables indexed; per question the
 * few-shot samples, the instructions and the schema are retrieved (lexical, as with no
 * EMBEDDING_MODEL). Index building is measured separately: it happens once per knowledge change.
 */
export async function measureRetrievalLatency(questions = 500) {
  const next = random(42);
  const tables: TableInfo[] = Array.from({ length: 2000 }, (_, i) => {
    const noun = pick(NOUNS, next);
    return {
      name: `${noun}_${pick(NOUNS, next)}_${i}`,
      comment: `${pick(ZH, next)} ${noun}`,
      columns: Array.from({ length: 12 }, (_, c) => ({
        name: c === 0 ? 'id' : `${pick(ATTRIBUTES, next)}_${c}`,
        type: 'varchar(64)',
        nullable: c !== 0,
        primaryKey: c === 0,
      })),
      foreignKeys: [],
    };
  });
  const pairs = Array.from({ length: 10_000 }, (_, i) => ({
    question: `${pick(ZH, next)}的${pick(ATTRIBUTES, next)} by ${pick(NOUNS, next)} ${pick(NOUNS, next)} ${i}`,
    sql: `SELECT ${pick(ATTRIBUTES, next)} FROM ${pick(NOUNS, next)}`,
    datasource: 'default',
  }));
  const built = performance.now();
  const knowledge = new KnowledgeIndex(pairs, [
    { text: 'Amounts in CNY', scope: 'global', questions: [] },
    { text: 'Count active only', scope: 'matched', questions: ['active customers'] },
  ]);
  const schema = new SchemaIndex(tables);
  const buildMs = performance.now() - built;
  const samples: number[] = [];
  for (let i = 0; i < questions; i += 1) {
    const question = `${pick(ZH, next)} ${pick(NOUNS, next)} ${pick(ATTRIBUTES, next)} by ${pick(NOUNS, next)} last month`;
    const started = performance.now();
    await Promise.all([
      knowledge.samples('default', question, 3),
      knowledge.instructions(question),
      schema.retrieve(question, { maxTables: 8 }),
    ]);
    samples.push(performance.now() - started);
  }
  return { buildMs, p50: percentile(samples, 50), p95: percentile(samples, 95), questions };
}
