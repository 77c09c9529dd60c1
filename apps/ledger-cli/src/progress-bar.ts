import { SingleBar } from 'cli-progress';

/**
 * An operator command's progress bar, on stderr: on a terminal, redrawn in place; elsewhere (a log
 * file, CI) a line a second. `linewrap: true` leaves the terminal's line wrapping alone and trims the
 * bar to its width instead: cli-progress otherwise switches wrapping off until stop(), so a command that
 * failed, or was stopped with Ctrl-C, left the operator's shell not wrapping, its error cut at the
 * right edge. Whoever starts the bar stops it in a `finally`, so an error starts on a line of its own.
 */
export function progressBar(format: string): SingleBar {
  return new SingleBar({ format, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000, linewrap: true });
}
