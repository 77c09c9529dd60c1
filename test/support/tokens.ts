/** The office token every e2e ledger (in process or as a child server) is started with. */
export const OFFICE_TOKEN = 'test-office-token-0123456789abcdef';
