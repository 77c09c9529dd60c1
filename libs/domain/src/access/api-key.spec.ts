import { fold } from '../shared/decider';
import { ApiKeyCommand, ApiKeyEvent, apiKeyDecider } from './api-key';

const given = (events: ApiKeyEvent[]) => ({ when: (command: ApiKeyCommand) => () => apiKeyDecider.decide(command, fold(apiKeyDecider, events)) });
const issued: ApiKeyEvent = { type: 'ApiKeyIssued', data: { keyId: 'k', partyId: 'p', role: 'partner', tokenHash: 'h' } };

describe('api key decider', () => {
  it('issues a key for a registered party, recording only the hash', () => {
    expect(given([]).when({ type: 'IssueApiKey', data: { keyId: 'k', partyId: 'p', role: 'partner', tokenHash: 'h', partyKnown: true } })())
      .toEqual([issued]);
  });
  it('refuses a key for an unknown party, naming partyId', () => {
    expect(given([]).when({ type: 'IssueApiKey', data: { keyId: 'k', partyId: 'p', role: 'partner', tokenHash: 'h', partyKnown: false } }))
      .toThrow(expect.objectContaining({ field: 'partyId', kind: 'rule' }));
  });
  it('revokes once; revoking again changes nothing; an unknown key is not found', () => {
    expect(given([issued]).when({ type: 'RevokeApiKey', data: { keyId: 'k' } })()).toEqual([{ type: 'ApiKeyRevoked', data: { keyId: 'k' } }]);
    expect(given([issued, { type: 'ApiKeyRevoked', data: { keyId: 'k' } }]).when({ type: 'RevokeApiKey', data: { keyId: 'k' } })()).toEqual([]);
    expect(given([]).when({ type: 'RevokeApiKey', data: { keyId: 'k' } })).toThrow(expect.objectContaining({ kind: 'not-found' }));
  });
});
