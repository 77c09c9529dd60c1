import { DomainError } from '@ledger/domain';
import { ArgumentsHost, BadRequestException, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ProblemDetailsFilter, toProblem } from './problem-details.filter';

describe('toProblem: HTTP exceptions', () => {
  it("keeps a failed health check's results, so a 503 from /health says which check is down and why", () => {
    const results = {
      status: 'error',
      info: { eventStore: { status: 'up', kind: 'postgres' } },
      error: { readModels: { status: 'down', dialect: 'postgres', message: 'the lease ended' } },
      details: { eventStore: { status: 'up', kind: 'postgres' }, readModels: { status: 'down', dialect: 'postgres', message: 'the lease ended' } },
    };
    expect(toProblem(new ServiceUnavailableException(results))).toEqual({
      type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'down: readModels', // it said 'Service Unavailable Exception'
      info: results.info, error: results.error, details: results.details,
    });
  });

  it("adds nothing to Nest's own bodies: their message is the detail, their strings are not extensions", () => {
    expect(toProblem(new BadRequestException(['a must be a string', 'b is required']))).toEqual({
      type: 'about:blank', title: 'Bad Request', status: 400, detail: 'a must be a string,b is required',
    });
    expect(toProblem(new NotFoundException('no such license'))).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such license' });
  });

  it("titles a domain refusal of a missing thing or a conflict as HTTP names its status, and a rule's as a rule's", () => {
    // A POST to an unknown license was "Refused by a domain rule" where a GET of it was "Not Found".
    const titled = (kind: 'rule' | 'conflict' | 'not-found') => toProblem(new DomainError('x', 'refused', kind));
    expect([titled('not-found'), titled('conflict'), titled('rule')].map((p) => [p.status, p.title]))
      .toEqual([[404, 'Not Found'], [409, 'Conflict'], [422, 'Refused by a domain rule']]);
  });
});

describe('ProblemDetailsFilter: the database out of reach', () => {
  const answer = (error: unknown) => {
    const sent = { status: 0, headers: {} as Record<string, string>, body: '' };
    const res = {
      setHeader: (k: string, v: string) => { sent.headers[k] = v; },
      status(s: number) { sent.status = s; return this; },
      type(t: string) { sent.headers['Content-Type'] = t; return this; },
      send(b: string) { sent.body = b; },
    };
    const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'GET', originalUrl: '/parties/p1' }), getResponse: () => res }) };
    new ProblemDetailsFilter().catch(error, host as unknown as ArgumentsHost);
    return sent;
  };
  afterEach(() => jest.restoreAllMocks());

  it('answers 503 with Retry-After and a warning line, not a 500 with a stack trace per request', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), { code: 'ECONNREFUSED' });
    const sent = answer(refused); // before: 500 "an unexpected error occurred", the stack logged as an error
    expect(sent.status).toBe(503);
    expect(sent.headers).toMatchObject({ 'Retry-After': '5', 'Content-Type': 'application/problem+json' });
    expect(JSON.parse(sent.body)).toMatchObject({ type: 'urn:problem:store-unavailable', title: 'Database unavailable', status: 503, instance: '/parties/p1' });
    expect(sent.body).not.toMatch(/10\.20\.30\.40|5432/);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('GET /parties/p1: the database is unavailable: connect ECONNREFUSED 10.20.30.40:5432');
  });

  it('still answers anything else it does not know 500, logging its stack', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(answer(new TypeError('x is undefined')).status).toBe(500);
    expect(error.mock.calls[0][0]).toMatch(/TypeError: x is undefined\n\s+at /);
  });
});
