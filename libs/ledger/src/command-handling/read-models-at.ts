import { ServiceUnavailableException } from '@nestjs/common';
import { ProjectionRunner } from '../projections/projection-runner';

/**
 * Until the read models, and what process managers appended in reaction, have taken in `position`: for
 * a command decided on what they hold (a payable balance, where a license's bands stand). 503 past
 * `timeoutMs`, naming what is not known yet (the service answers it with Retry-After).
 */
export async function readModelsAt(runner: ProjectionRunner, position: bigint, timeoutMs: number, notKnown: string): Promise<void> {
  if (!(await runner.waitFor(position, timeoutMs))) throw new ServiceUnavailableException(notKnown);
}
