import { ReadModelDb } from '@ledger/ledger';
import { claimForCommand } from './lease';

describe('claimForCommand', () => {
  it('names the command as the holder, and ends the process non-zero if the lease is lost', async () => {
    let onLost: ((reason: string) => void) | undefined;
    const claims: string[] = [];
    const db = { claim: async (holder: string, lost?: (reason: string) => void) => void (claims.push(holder), (onLost = lost)) } as unknown as ReadModelDb;
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await claimForCommand(db, 'rebuild');
      expect(claims).toEqual([expect.stringMatching(/^ledger-cli rebuild \(pid \d+ on .+\)$/)]);
      expect(exit).not.toHaveBeenCalled();
      onLost!("the session holding the read models' lease ended: another process may now project them; restart this one");
      expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^ledger-cli: rebuild stopped: the session holding the read models' lease ended/));
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
