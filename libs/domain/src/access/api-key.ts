import { Decider, DomainEvent } from '../shared/decider';
import { DomainError } from '../shared/domain-error';

/** What a bearer token may be: visible ASCII (no space: `Bearer <token>` is one header), 16 to 256 characters. */
export const BEARER_TOKEN = /^[\x21-\x7e]{16,256}$/;

export const API_KEY_ROLES = ['office', 'licensee', 'partner'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const apiKeyStream = (keyId: string) => `api-key-${keyId}`;

/** Only the token's hash is ever recorded: the token itself is shown once, in the response. */
export type IssueApiKey = { type: 'IssueApiKey'; data: { keyId: string; partyId: string; role: ApiKeyRole; tokenHash: string; partyKnown: boolean } };
export type RevokeApiKey = { type: 'RevokeApiKey'; data: { keyId: string } };
export type ApiKeyCommand = IssueApiKey | RevokeApiKey;

export type ApiKeyIssued = DomainEvent<'ApiKeyIssued', { keyId: string; partyId: string; role: ApiKeyRole; tokenHash: string }>;
export type ApiKeyRevoked = DomainEvent<'ApiKeyRevoked', { keyId: string }>;
export type ApiKeyEvent = ApiKeyIssued | ApiKeyRevoked;

export type ApiKeyState = { status: 'none' } | { status: 'active' | 'revoked'; keyId: string; partyId: string; role: ApiKeyRole };

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'IssueApiKey': {
        const { keyId, partyId, role, tokenHash, partyKnown } = command.data;
        if (state.status !== 'none') throw new DomainError('api-key-exists', `api key ${keyId} already exists`, 'conflict');
        if (!partyKnown) throw new DomainError('unknown-party', `partyId: party ${partyId} is not registered`, 'rule', 'partyId');
        return [{ type: 'ApiKeyIssued', data: { keyId, partyId, role, tokenHash } }];
      }
      case 'RevokeApiKey': {
        if (state.status === 'none') throw new DomainError('api-key-not-found', `api key ${command.data.keyId} not found`, 'not-found');
        if (state.status === 'revoked') return [];
        return [{ type: 'ApiKeyRevoked', data: { keyId: command.data.keyId } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyIssued':
        return { status: 'active', keyId: event.data.keyId, partyId: event.data.partyId, role: event.data.role };
      case 'ApiKeyRevoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked' };
      default:
        return state;
    }
  },
};
