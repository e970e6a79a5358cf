import { describe, expect, it } from 'vitest';
import { chatChunks } from '../../../server/src/llm/chatStream.js';
import { toLlmError } from '../../../server/src/llm/failures.js';

const encoder = new TextEncoder();

/** The body as it arrives, cut into the given pieces (bytes, so a cut may split a character). */
async function* arriving(...pieces: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield typeof piece === 'string' ? encoder.encode(piece) : piece;
}

const chunk = (content: string, finish: string | null = null) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  });

async function contents(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const seen: string[] = [];
  for await (const read of chatChunks(body, new Headers())) {
    seen.push(read.choices[0]?.delta?.content ?? '');
  }
  return seen;
}

describe('reading a streamed chat completion', () => {
  it('yields each event once it is complete, however the bytes are cut', async () => {
    const whole = `data: ${chunk('SELECT 研发')}\n\ndata: ${chunk(' 1', 'stop')}\n\ndata: [DONE]\n\n`;
    const bytes = encoder.encode(whole);
    // Every cut point: inside "data:", inside the JSON, inside a Chinese character's bytes,
    // between the two newlines.
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(await contents(arriving(bytes.slice(0, cut), bytes.slice(cut)))).toEqual([
        'SELECT 研发',
        ' 1',
      ]);
    }
  });

  it('takes \\r\\n and \\r line ends, joins data lines, skips comments and other fields', async () => {
    const multiLine = chunk('a').replace('{', '{\r\ndata: ');
    expect(
      await contents(
        arriving(
          ': keep-alive\r\n\r\n',
          `event: message\r\nid: 7\r\ndata: ${chunk('x')}\r`,
          `\r\ndata: ${multiLine}\r\n\r\n`,
          `data: ${chunk('y')}\r\r`,
          'data: [DONE]\r\n\r\n',
          `data: ${chunk('after done')}\n\n`,
        ),
      ),
    ).toEqual(['x', 'a', 'y']);
  });

  it('yields a last event that no blank line closed', async () => {
    expect(await contents(arriving(`data: ${chunk('last')}`))).toEqual(['last']);
  });

  it("throws the endpoint's error as the SDK would, and it reads as the model's failure", async () => {
    const body = arriving(
      `data: ${chunk('SEL')}\n\n`,
      'data: {"error":{"message":"model overloaded","type":"server_error"}}\n\n',
    );
    const seen: string[] = [];
    let thrown: unknown;
    try {
      for await (const read of chatChunks(body, new Headers())) {
        seen.push(read.choices[0]?.delta?.content ?? '');
      }
    } catch (error) {
      thrown = error;
    }
    expect(seen).toEqual(['SEL']);
    const failure = toLlmError(thrown, { host: 'llm.example', timeoutMs: 1000 });
    expect(failure.code).toBe('LLM_UNAVAILABLE');
    expect(failure.message).toBe(
      'The language model at llm.example reported an error: model overloaded.',
    );
  });

  it('refuses an event that is not JSON rather than skipping it', async () => {
    await expect(contents(arriving('data: {not json\n\n'))).rejects.toThrow(SyntaxError);
  });
});
