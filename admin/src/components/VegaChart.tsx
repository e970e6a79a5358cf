import type { VegaLiteSpec } from '@quarry/shared';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../lib/i18n';

/**
 * A Vega-Lite spec drawn with vega-embed, loaded on first use so the console's first page does
 * not carry the chart library. The chart fits the card's width.
 */
export function VegaChart({ spec, label }: { spec: VegaLiteSpec; label: string }) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    let finalize: (() => void) | undefined;
    let cancelled = false;
    setFailure(null);
    void import('vega-embed')
      .then(({ default: embed }) =>
        embed(
          element,
          {
            ...spec,
            width: 'container',
            autosize: { type: 'fit-x', contains: 'padding' },
          } as never,
          {
            actions: { export: true, source: false, compiled: false, editor: false },
            renderer: 'svg',
          },
        ),
      )
      .then((result) => {
        if (cancelled) result.finalize();
        else finalize = () => result.finalize();
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [spec]);

  return (
    <figure className="chart" aria-label={label}>
      <div ref={container} className="chart-canvas" data-testid="chart" />
      {failure ? (
        <p className="muted">{t('The chart could not be drawn: {error}', { error: failure })}</p>
      ) : null}
    </figure>
  );
}
