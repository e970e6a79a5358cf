import { toBotError } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';
import { answerButtonListener, type ButtonListener } from './buttonContext.js';

/** "Download CSV": the answer's rows as a file in its thread, on request. */
export function downloadCsvHandler(deps: ListenerDeps): ButtonListener {
  return answerButtonListener((click) => {
    void deps.csv
      .uploadOnRequest(click)
      .catch((error: unknown) =>
        deps.logger.warn({ err: toBotError(error) }, 'CSV on request failed'),
      );
  });
}
