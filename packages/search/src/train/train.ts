import { Observable } from 'rxjs';
import type { TrainConfig } from '../config/train-config';
import { runTraining, type TrainOptions } from './run-training';
import type { TrainEvent } from './train-events';

/**
 * OQAT training as a cold Observable: each subscription starts one run
 * (float warm-up if configured, then the quantized phases with bit
 * inheritance), emitting progress events; it completes after the
 * 'finished' event and errors with the run's error. Unsubscribing aborts the
 * run after the current step (no checkpoint is written after that).
 * Validate a JSON config with parseTrainConfig first.
 */
export function train(config: TrainConfig, options: TrainOptions = {}): Observable<TrainEvent> {
  return new Observable<TrainEvent>((subscriber) => {
    const abort = { aborted: false };
    runTraining(config, options, (event) => subscriber.next(event), abort).then(
      () => subscriber.complete(),
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      abort.aborted = true;
    };
  });
}
