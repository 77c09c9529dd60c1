/**
 * Emmett-style decider: pure functions over plain data. Domain events carry only type and data;
 * the application layer adds ids and metadata (actor, correlation, recordedAt) when it appends them.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState(): State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  /** For states of streams long enough to be worth saving between restarts (a university's allocations). */
  snapshot?: SnapshotCodec<State>;
}

/**
 * A state as plain JSON and back. `version` names what evolve makes of the events: it changes with
 * evolve's rules or the state's shape, and a snapshot saved under another version is folded again
 * from the stream instead of being believed.
 */
export interface SnapshotCodec<State> {
  name: string;
  version: number;
  encode(state: State): unknown;
  /**
   * For states too long to write or read in one go: `encode(state)` as lines (`encodedLines`), which
   * `readEncodedLines` turns back into exactly `JSON.parse(JSON.stringify(encode(state)))`.
   */
  encodeLines?(state: State): Iterable<string>;
  /** Throws on what it does not recognise. */
  decode(snapshot: unknown): State;
  /** `decode` a step at a time (`finished` of it is `decode`), for a caller to give way between steps. */
  decodeInSteps?(snapshot: unknown): Iterator<unknown, State>;
}

/** Folds a stream's events into state: what the command handler does before deciding. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
