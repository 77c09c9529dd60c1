// DESIGN.md's worked example through the API, step by step, each figure checked as it comes back.
//   LEDGER_ADMIN_TOKEN=… [LEDGER_URL=http://localhost:3000] node scripts/worked-example.mjs
// Exits 1 at the first figure that differs. Run it against an empty ledger (a patent is registered once).
const base = process.env.LEDGER_URL ?? 'http://localhost:3000';
const token = process.env.LEDGER_ADMIN_TOKEN;
if (!token) {
  console.error('set LEDGER_ADMIN_TOKEN to the token the API was started with (in development, the dev_… token it logs)');
  process.exit(1);
}

let last = '0'; // the position of the last write: reads wait for it (?minPosition=)
async function call(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000), // an API that stopped answering fails the script, not holds it
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  const answer = JSON.parse(text);
  if (answer.position) last = answer.position;
  return answer;
}
const post = (path, body = {}) => call('POST', path, body);
const read = (path) => call('GET', `${path}${path.includes('?') ? '&' : '?'}minPosition=${last}`);
function expect(what, got, want) {
  console.log(`${got === want ? 'ok  ' : 'DIFF'} ${what}: ${got}${got === want ? '' : ` (expected ${want})`}`);
  if (got !== want) process.exit(1);
}

const party = async (name, kind) => (await post('/parties', { name, kind })).id;
const U = await party('Eastlake University', 'university');
const C = await party('Northwind Robotics', 'company');
const lin = await party('Dr Lin', 'person');
const chen = await party('Dr Chen', 'person');
const school = await party('School of EE', 'department');
const brightpath = await party('Brightpath Medical', 'company');
const { id: P1 } = await post('/patents', {
  title: 'Compliant gripper', number: 'CN2024100001.X', jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
  owners: [{ partyId: U, sharePercent: '60' }, { partyId: C, sharePercent: '40' }],
  inventors: [{ partyId: lin, sharePercent: '50' }, { partyId: chen, sharePercent: '50' }],
});
// Admin fee 10 %, then inventors 50 %, School of EE 20 %; what the shares leave (30 %) U keeps.
await call('PUT', `/parties/${U}/distribution-policy`, {
  adminFeePercent: '10', recoverPatentCosts: false,
  shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: school, sharePercent: '20' }],
});
const L1 = await post('/licenses', {
  licenseeId: brightpath, patentIds: [P1], territories: ['CN'], fieldOfUse: 'surgical robotics', exclusive: true,
  effectiveOn: '2025-01-01', expiresOn: '2034-12-31', currency: 'CNY', rounding: 'half-up',
  royalty: { tiers: [{ upTo: '1000000.00', ratePercent: '3' }, { ratePercent: '4' }], tierBasis: 'calendar-year', upfrontFee: '100000.00', minimumAnnual: '50000.00' },
});
expect('grant: upfront', L1.upfront.amount, '100000.00');

const line = (grossSales, deductions) => ({ product: 'BP-Gripper', territory: 'CN', units: '1200', grossSales, deductions });
const q1 = await post(`/licenses/${L1.id}/sales-reports`, { period: '2025-Q1', lines: [line('520000.00', '40000.00')] });
expect('2025-Q1: net sales', q1.netSales, '480000.00');
expect('2025-Q1: royalty', q1.royalty, '14400.00');
const q2 = await post(`/licenses/${L1.id}/sales-reports`, { period: '2025-Q2', lines: [line('700000.00', '0.00')] });
expect('2025-Q2: royalty (520,000 × 3 % + 180,000 × 4 %)', q2.royalty, '22800.00');
const restated = await post(`/licenses/${L1.id}/sales-reports/${q1.reportId}/restatements`, { lines: [line('490000.00', '40000.00')] });
expect('restated Q1: difference', restated.adjustments.find((a) => a.reportId === q1.reportId).delta, '-900.00');
expect('restated Q1: Q2 moved by', restated.adjustments.find((a) => a.reportId === q2.reportId).delta, '-300.00');
const closed = await post(`/licenses/${L1.id}/royalty-years/2025/close`);
expect('2025 closed: shortfall', closed.shortfall, '14000.00');

// What each party earned: the license's 150,000.00 split 60 / 40, and U's 90,000.00 by its policy.
const earned = async (id) => (await read(`/parties/${id}/statement`)).currencies.find((c) => c.currency === 'CNY').earned;
expect('Eastlake University earned (admin fee 9,000.00 + kept 24,300.00)', await earned(U), '33300.00');
expect('Northwind Robotics earned', await earned(C), '60000.00');
expect('Dr Lin earned', await earned(lin), '20250.00');
expect('Dr Chen earned', await earned(chen), '20250.00');
expect('School of EE earned', await earned(school), '16200.00');
console.log(`\nstatements: ${base}/parties/{id}/statement (Accept: text/csv for CSV); U is ${U}, Dr Lin ${lin}`);
