import { sayIfInterrupted } from './interruption';

describe('sayIfInterrupted', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says what the command leaves in one line and exits as the signal would, until quieted', () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const exit = jest.fn();
    const listening = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    let reached = 10;
    const quiet = sayIfInterrupted(() => `reached position ${reached}`, exit);
    reached = 42; // asked when the signal comes, not when the handler was installed
    process.emit('SIGINT');
    expect(written).toEqual(['\nledger-cli: interrupted (SIGINT): reached position 42\n']); // after the progress bar's line
    expect(exit).toHaveBeenCalledWith(130);
    quiet();
    expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).toEqual(listening);
    const again = sayIfInterrupted(() => 'nothing', exit);
    process.emit('SIGTERM');
    expect(exit).toHaveBeenLastCalledWith(143);
    again();
  });
});
