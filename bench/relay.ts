import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { WebSocketServer } from 'ws';

/**
 * The minimal relay Quarry is compared with (`relayComparison.ts`): an http + ws server that
 * makes the same streamed model call with `fetch`, forwards each chunk as a frame, runs the
 * SQL with better-sqlite3 and sends the rows, then the terminal status. No knowledge, guard, history or logging: the
 * floor under what any text-to-SQL server must spend per ask.
 */
const port = Number(process.env.PORT);
const modelUrl = `${process.env.OPENAI_BASE_URL}/chat/completions`;
const db = new Database(process.env.RELAY_DATABASE ?? '', { readonly: true });

const server = createServer((_request, response) => response.end('ok'));
const wss = new WebSocketServer({ server, path: '/ws' });

wss.on('connection', (ws) => {
  ws.on('message', async (data) => {
    const { query } = JSON.parse(data.toString()) as { query: string };
    const response = await fetch(modelUrl, {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'bench-model',
        stream: true,
        messages: [
          { role: 'system', content: 'Write one SQLite query in a ```sql block.' },
          { role: 'user', content: query },
        ],
      }),
    });
    let text = '';
    let pending = '';
    const decoder = new TextDecoder();
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(bytes, { stream: true });
      const events = pending.split('\n\n');
      pending = events.pop() ?? '';
      for (const event of events) {
        const payload = event.replace(/^data: /, '');
        if (payload === '[DONE]') continue;
        const delta = (JSON.parse(payload) as { choices: { delta: { content?: string } }[] })
          .choices[0]?.delta.content;
        if (!delta) continue;
        text += delta;
        ws.send(JSON.stringify({ type: 'sql_chunk', delta, sql: text }));
      }
    }
    const sql = /```sql\n([\s\S]*?)\n```/.exec(text)?.[1] ?? text;
    try {
      const statement = db.prepare(sql);
      const rows = statement.raw().all() as unknown[][];
      const columns = statement.columns().map((column) => column.name);
      ws.send(JSON.stringify({ type: 'sql', sql }));
      ws.send(JSON.stringify({ type: 'result', sql, columns, rows, row_count: rows.length }));
      // The protocol ends every ask with a terminal status, as Quarry's events mode does.
      ws.send(JSON.stringify({ type: 'status', status: 'finished', step: 'done' }));
    } catch (error) {
      ws.send(JSON.stringify({ type: 'error', message: String(error) }));
      ws.send(JSON.stringify({ type: 'status', status: 'failed', step: 'done' }));
    }
  });
});

// Exits normally on SIGTERM, so a CPU profile (BENCH_CPU_PROF) is written.
process.on('SIGTERM', () => process.exit(0));
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready' }));
