import OpenAI from 'openai';
import type { Config } from '../config.js';
import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { QuarryMetrics } from '../metrics.js';
import type { ChatRequest, Embedder, LlmClient } from '../ports.js';
import { chatChunks } from './chatStream.js';
import { abortable, formatDuration, NOT_CONFIGURED_MESSAGE, toLlmError } from './failures.js';

/** OpenAI's small, cheap current chat model: the default when talking to OpenAI itself. */
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * Providers cap inputs per embeddings request (OpenAI 2048, many self-hosted servers far
 * fewer), so long lists go out in batches.
 */
const EMBEDDING_BATCH_SIZE = 64;

export type OpenAiClient = LlmClient &
  Embedder & {
    model(): Promise<string>;
    /** Whether the endpoint answers (for `/ready`): throws a QuarryError saying why not. */
    ping(timeoutMs: number): Promise<void>;
  };

/** Token counts as OpenAI-compatible endpoints report them (some report none). */
interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/**
 * The LlmClient and Embedder ports over any OpenAI-compatible endpoint (OpenAI, Azure, Ollama,
 * vLLM, DeepSeek, Qwen…). Time-outs and retries on 429/5xx/connection errors are the openai
 * client's own; this adds an idle time-out between stream chunks, one retry budget for streams
 * that stall before their first delta, model auto-selection from `GET /models`, and errors as
 * QuarryErrors. Construction never throws or calls the network: an unconfigured client fails
 * each call with LLM_NOT_CONFIGURED, so the server can start without a model.
 */
export function createOpenAiClient(deps: {
  config: Config['llm'];
  logger: Logger;
  metrics?: Pick<QuarryMetrics, 'llmCalls' | 'llmTokens'> | undefined;
}): OpenAiClient {
  const { config, metrics } = deps;
  const counted = (kind: 'complete' | 'stream' | 'embed', outcome: 'ok' | 'error') =>
    metrics?.llmCalls.inc({ kind, outcome });
  const countTokens = (usage: Usage | null | undefined) => {
    if (!metrics || !usage) return;
    if (usage.prompt_tokens) metrics.llmTokens.inc({ type: 'prompt' }, usage.prompt_tokens);
    if (usage.completion_tokens) {
      metrics.llmTokens.inc({ type: 'completion' }, usage.completion_tokens);
    }
  };
  const logger = deps.logger.child({ component: 'llm' });
  const configured = config.apiKey !== undefined || config.baseUrl !== undefined;
  const baseURL = config.baseUrl ?? OPENAI_BASE_URL;
  const host = new URL(baseURL).host;
  // One SDK client per process, made here once by the composition root and reused by every
  // ask: its fetch keeps the connection to the model alive between calls, so an ask pays
  // neither a client construction nor a TCP (or TLS) handshake.
  const client = configured
    ? new OpenAI({
        // Local servers (Ollama, vLLM) ignore the key, but the SDK refuses to start without one.
        apiKey: config.apiKey ?? 'no-key-needed',
        baseURL,
        // Explicit nulls keep the SDK from reading these from process.env behind config's back.
        organization: null,
        project: null,
        webhookSecret: null,
        timeout: config.timeoutMs,
        maxRetries: config.maxRetries,
        logLevel: 'warn',
        logger,
      })
    : undefined;

  let modelPromise: Promise<string> | undefined;

  function requireClient(): OpenAI {
    if (!client) throw new QuarryError('LLM_NOT_CONFIGURED', NOT_CONFIGURED_MESSAGE);
    return client;
  }

  async function listFirstModel(openai: OpenAI): Promise<string> {
    const page = await openai.models.list();
    const first = page.data[0]?.id;
    if (!first) {
      throw new QuarryError(
        'LLM_NOT_CONFIGURED',
        `The language model endpoint at ${host} lists no models: set LLM_MODEL to the chat model to use, then restart Quarry.`,
      );
    }
    logger.info({ model: first, host }, 'LLM_MODEL is unset; using the endpoint’s first model');
    return first;
  }

  async function resolveModel(signal?: AbortSignal): Promise<string> {
    const openai = requireClient();
    if (config.model) return config.model;
    if (!config.baseUrl) return OPENAI_DEFAULT_MODEL;
    // Concurrent first calls share one request; a failure is forgotten so the next call retries.
    modelPromise ??= listFirstModel(openai).catch((error: unknown) => {
      modelPromise = undefined;
      throw toLlmError(error, { host, timeoutMs: config.timeoutMs });
    });
    return abortable(modelPromise, signal);
  }

  function chatBody(model: string, request: ChatRequest) {
    return {
      model,
      messages: request.messages,
      temperature: request.temperature ?? 0,
      ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
    };
  }

  async function complete(request: ChatRequest): Promise<string> {
    const { signal } = request;
    const model = await resolveModel(signal);
    const context = { host, model, timeoutMs: config.timeoutMs, signal, apiKey: config.apiKey };
    const started = Date.now();
    try {
      const completion = await abortable(
        requireClient().chat.completions.create(chatBody(model, request), { signal }),
        signal,
      );
      const content = completion.choices[0]?.message.content ?? '';
      counted('complete', 'ok');
      countTokens(completion.usage);
      logger.debug(
        { model, durationMs: Date.now() - started, chars: content.length, json: !!request.json },
        'completion',
      );
      return content;
    } catch (error) {
      counted('complete', 'error');
      throw toLlmError(error, context);
    }
  }

  async function* stream(request: ChatRequest): AsyncGenerator<string> {
    const { signal } = request;
    const model = await resolveModel(signal);
    const context = { host, model, timeoutMs: config.timeoutMs, signal, apiKey: config.apiKey };
    const started = Date.now();
    let chars = 0;
    for (let attempt = 0; ; attempt++) {
      let opened = false;
      // Ends the request when the stream goes idle or the caller stops reading early.
      const ending = new AbortController();
      try {
        const response = await abortable(
          requireClient()
            .chat.completions.create(
              // The usage chunk comes last, with no choices; endpoints without it ignore the option.
              {
                ...chatBody(model, request),
                stream: true,
                stream_options: { include_usage: true },
              },
              { signal: signal ? AbortSignal.any([signal, ending.signal]) : ending.signal },
            )
            .asResponse(),
          signal,
        );
        opened = true;
        let idle = false;
        let finished = false;
        // The SDK's time-out ends when headers arrive; a stream that then stalls needs its own.
        // One timer, restarted by each chunk (`refresh`), not a new one per chunk.
        const timer = setTimeout(() => {
          idle = true;
          ending.abort();
        }, config.timeoutMs);
        try {
          // A body-less answer reads as a reply ended mid-way (no finish reason), below.
          const body = (response.body ?? []) as AsyncIterable<Uint8Array>;
          for await (const chunk of chatChunks(body, response.headers)) {
            timer.refresh();
            countTokens(chunk.usage);
            const choice = chunk.choices[0];
            if (choice?.finish_reason) finished = true;
            const delta = choice?.delta?.content;
            if (delta) {
              chars += delta.length;
              yield delta;
            }
          }
        } catch (error) {
          // Ending the request makes the body's reader throw: say why it ended instead.
          if (!idle && !signal?.aborted) throw error;
        } finally {
          clearTimeout(timer);
          // Reached early when the consumer stops iterating: free the connection.
          ending.abort();
        }
        if (signal?.aborted) throw toLlmError(signal.reason, context);
        if (idle) {
          throw new QuarryError(
            'LLM_UNAVAILABLE',
            `The language model at ${host} stopped sending its reply for ${formatDuration(config.timeoutMs)}.`,
            { context: { host, model, timeoutMs: config.timeoutMs } },
          );
        }
        if (!finished) {
          throw new QuarryError(
            'LLM_UNAVAILABLE',
            `The language model at ${host} ended its reply mid-way, without a finish reason.`,
            { context: { host, model } },
          );
        }
        counted('stream', 'ok');
        logger.debug(
          { model, durationMs: Date.now() - started, chars, stream: true, attempt },
          'completion',
        );
        return;
      } catch (error) {
        const failure = toLlmError(error, context);
        // The SDK already retried opening the stream; a stream that opened and then failed
        // may be re-opened only while the caller has seen nothing of it.
        const retry =
          opened && chars === 0 && failure.code !== 'STOPPED' && attempt < config.maxRetries;
        if (!retry) {
          counted('stream', 'error');
          throw failure;
        }
        logger.debug(
          { model, attempt, reason: failure.message },
          'stream failed before any text; retrying',
        );
      }
    }
  }

  async function embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const openai = requireClient();
    const model = config.embeddingModel;
    if (!model) {
      throw new QuarryError(
        'LLM_NOT_CONFIGURED',
        'No embedding model is configured: set EMBEDDING_MODEL in the environment or .env, then restart Quarry.',
      );
    }
    const context = { host, model, timeoutMs: config.timeoutMs, signal, apiKey: config.apiKey };
    const started = Date.now();
    const vectors: number[][] = [];
    try {
      for (let start = 0; start < texts.length; start += EMBEDDING_BATCH_SIZE) {
        const batch = texts.slice(start, start + EMBEDDING_BATCH_SIZE);
        const response = await abortable(
          // 'float' because not every compatible server supports the SDK's default base64.
          openai.embeddings.create({ model, input: batch, encoding_format: 'float' }, { signal }),
          signal,
        );
        const ordered = [...response.data].sort((a, b) => a.index - b.index);
        if (ordered.length !== batch.length) {
          throw new Error(`it returned ${ordered.length} embeddings for ${batch.length} texts`);
        }
        vectors.push(...ordered.map((item) => item.embedding));
        countTokens(response.usage);
      }
    } catch (error) {
      counted('embed', 'error');
      throw toLlmError(error, context);
    }
    counted('embed', 'ok');
    logger.debug({ model, durationMs: Date.now() - started, texts: texts.length }, 'embeddings');
    return vectors;
  }

  async function ping(timeoutMs: number): Promise<void> {
    const openai = requireClient();
    try {
      await openai.models.list({ timeout: timeoutMs, maxRetries: 0 });
    } catch (error) {
      // An endpoint without a model list still answers: only an answer-less failure counts.
      if (error instanceof OpenAI.APIError && error.status === 404) return;
      throw toLlmError(error, { host, model: config.model ?? '', timeoutMs });
    }
  }

  return {
    complete,
    stream,
    embed,
    model: () => resolveModel(),
    ping,
  };
}
