/** The cast of a benchmark ledger, registered through the real API like an office would. */
import { OFFICE_TOKEN } from '../support/tokens';

export interface Api {
  post<T = Record<string, unknown>>(path: string, body: object): Promise<T>;
  put<T = Record<string, unknown>>(path: string, body: object): Promise<T>;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
}

export function api(baseUrl: string, token = OFFICE_TOKEN): Api {
  const call = async <T>(method: string, path: string, body?: object): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { post: (p, b) => call('POST', p, b), put: (p, b) => call('PUT', p, b), get: (p) => call('GET', p) };
}

export interface Cast {
  university: string;
  company: string;
  licensee: string;
  lin: string;
  /** Patent 0 is Dr Lin's (with Dr Chen); the others have inventors of their own. */
  patents: string[];
  licenses: { id: string; patent: number }[];
}

/** A report line; gross sales vary with n so that figures are not all alike. */
export const benchLine = (n: number) => ({
  product: 'BP-Gripper', territory: 'CN', units: String(100 + (n % 50)),
  grossSales: `${100000 + (n % 997) * 13}.00`, deductions: `${(n % 7) * 100}.00`,
});

/**
 * Monthly reports are accepted for every month of the term that has ended: a term of `months`
 * months ending 2026-10-31 gives that many periods.
 */
export const TERM_END = '2026-10-31';
export function period(index: number, months: number): string {
  const first = 2026 * 12 + 10 - months; // months since year 0 of the first period (0-based month)
  const m = first + index;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}
const termStart = (months: number) => `${period(0, months)}-01`;

/** Parties, patents (co-owned 60/40 by a university and a company), the university's policy, licenses. */
export async function registerCast(http: Api, licensesPerPatent: number[], months: number): Promise<Cast> {
  const party = async (name: string, kind: string) => (await http.post<{ id: string }>('/parties', { name, kind })).id;
  const university = await party('Eastlake University', 'university');
  const company = await party('Northwind Robotics', 'company');
  const school = await party('School of EE', 'department');
  const licensee = await party('Brightpath Medical', 'company');
  const lin = await party('Dr Lin', 'person');
  const chen = await party('Dr Chen', 'person');
  await http.put(`/parties/${university}/distribution-policy`, {
    adminFeePercent: '10', recoverPatentCosts: false,
    shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: school, sharePercent: '20' }],
  });
  const patents: string[] = [];
  for (let p = 0; p < licensesPerPatent.length; p++) {
    const inventors = p === 0 ? [lin, chen] : [await party(`Inventor ${p}a`, 'person'), await party(`Inventor ${p}b`, 'person')];
    patents.push((await http.post<{ id: string }>('/patents', {
      title: `Patent ${p}`, number: `CN2024${String(p).padStart(6, '0')}.X`, jurisdiction: 'CN', filedOn: '1920-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: university, sharePercent: '60' }, { partyId: company, sharePercent: '40' }],
      inventors: [{ partyId: inventors[0], sharePercent: '50' }, { partyId: inventors[1], sharePercent: '50' }],
    })).id);
  }
  const licenses: Cast['licenses'] = [];
  for (const [p, count] of licensesPerPatent.entries()) {
    for (let i = 0; i < count; i++) {
      const { id } = await http.post<{ id: string }>('/licenses', {
        licenseeId: licensee, patentIds: [patents[p]], territories: ['CN'], fieldOfUse: 'surgical robotics', exclusive: false,
        effectiveOn: termStart(months), expiresOn: TERM_END, currency: 'CNY', rounding: 'half-up',
        royalty: { tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }], tierBasis: 'calendar-year' },
      });
      licenses.push({ id, patent: p });
    }
  }
  return { university, company, licensee, lin, patents, licenses };
}
