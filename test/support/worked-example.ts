import { LedgerUnderTest } from './ledger-app';

/** The DESIGN.md worked example's cast and license, registered through the API. */
export interface WorkedExample {
  university: string; company: string; lin: string; chen: string; school: string; brightpath: string;
  patent: string; license: string;
}

export async function post<T = Record<string, unknown>>(ledger: LedgerUnderTest, path: string, body: object, status = 201): Promise<T> {
  const res = await ledger.http.post(path).send(body);
  if (res.status !== status) throw new Error(`POST ${path} → ${res.status} (expected ${status}): ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export const party = async (ledger: LedgerUnderTest, name: string, kind: string) =>
  (await post<{ id: string }>(ledger, '/parties', { name, kind })).id;

export const workedLicenseTerms = (w: Omit<WorkedExample, 'license'>) => ({
  licenseeId: w.brightpath,
  patentIds: [w.patent],
  territories: ['CN'],
  fieldOfUse: 'surgical robotics',
  exclusive: true,
  effectiveOn: '2025-01-01',
  expiresOn: '2034-12-31',
  currency: 'CNY',
  rounding: 'half-up',
  royalty: {
    tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }],
    tierBasis: 'calendar-year',
    upfrontFee: '100000.00',
    minimumAnnual: '50000.00',
    milestones: [{ code: 'first-sale', amount: '20000.00' }],
  },
});

/** `patentNumber`: another for a second cast in one ledger (a patent is registered once). */
export async function registerCast(ledger: LedgerUnderTest, patentNumber = 'CN2024100001.X'): Promise<Omit<WorkedExample, 'license'>> {
  const university = await party(ledger, 'Eastlake University', 'university');
  const company = await party(ledger, 'Northwind Robotics', 'company');
  const lin = await party(ledger, 'Dr Lin', 'person');
  const chen = await party(ledger, 'Dr Chen', 'person');
  const school = await party(ledger, 'School of EE', 'department');
  const brightpath = await party(ledger, 'Brightpath Medical', 'company');
  const { id: patent } = await post<{ id: string }>(ledger, '/patents', {
    title: 'Compliant gripper', number: patentNumber, jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
    owners: [{ partyId: university, sharePercent: '60' }, { partyId: company, sharePercent: '40' }],
    inventors: [{ partyId: lin, sharePercent: '50' }, { partyId: chen, sharePercent: '50' }],
  });
  return { university, company, lin, chen, school, brightpath, patent };
}

/** The worked example's parties and patent, the university's policy (admin fee 10 %, inventors 50 %, School 20 %) and L1. */
export async function registerWorkedExample(ledger: LedgerUnderTest, patentNumber?: string): Promise<WorkedExample> {
  const cast = await registerCast(ledger, patentNumber);
  await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
    adminFeePercent: '10', recoverPatentCosts: false,
    shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: cast.school, sharePercent: '20' }],
  }).expect(200);
  return { ...cast, license: (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id };
}

export const salesLine = (grossSales: string, deductions: string, extra: object = {}) => ({
  product: 'BP-Gripper', territory: 'CN', units: '1200', grossSales, deductions, ...extra,
});

/** Σ journal per currency is zero, and every licensor's income account has been fully distributed. */
export async function expectBooksBalanced(ledger: LedgerUnderTest) {
  const { StatementsQuery } = await import('@ledger/ledger');
  const statements = ledger.app.get(StatementsQuery);
  for (const { total } of await statements.trialBalance()) expect(total).toBe('0');
  const undistributed = (await statements.accountBalances()).filter((a) => a.account.startsWith('income:') && a.balance !== '0.00');
  expect(undistributed).toEqual([]);
}
