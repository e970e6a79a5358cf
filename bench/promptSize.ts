import { countTokens } from 'gpt-tokenizer';
import { loadSpiderCatalogue, loadSpiderQuestions } from '../server/src/eval/spider.js';
import { generationPrompt } from '../server/src/pipeline/prompts/generation.js';
import { sqlFunctionsFor } from '../server/src/pipeline/prompts/sqlFunctions.js';
import { renderDdl } from '../server/src/pipeline/schemaText.js';
import { SchemaIndex } from '../server/src/retrieval/schemaIndex.js';
import { percentile } from './stats.js';

/** Generation-prompt tokens (o200k) per Spider dev question, with the tables retrieval picks. */
export async function measurePromptSize(maxTables = 8) {
  const { databases: dbs, tables: catalogue } = await loadSpiderCatalogue();
  const index = new SchemaIndex(catalogue);
  const sizes: number[] = [];
  for (const question of (await loadSpiderQuestions()).filter((q) => dbs.includes(q.db_id))) {
    const tables = await index.retrieve(question.question, { maxTables });
    const messages = generationPrompt({
      question: question.question,
      dialect: 'sqlite',
      ddl: renderDdl(tables, 'sqlite'),
      today: '2026-11-21',
      sqlFunctions: sqlFunctionsFor('sqlite'),
    });
    sizes.push(messages.reduce((sum, message) => sum + countTokens(message.content), 0));
  }
  return { questions: sizes.length, median: percentile(sizes, 50), p95: percentile(sizes, 95) };
}
