import { BadRequestException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { toProblem } from './problem-details.filter';

describe('toProblem: HTTP exceptions', () => {
  it("keeps a failed health check's results, so a 503 from /health says which check is down and why", () => {
    const results = {
      status: 'error',
      info: { eventStore: { status: 'up', kind: 'postgres' } },
      error: { readModels: { status: 'down', dialect: 'postgres', message: 'the lease ended' } },
      details: { eventStore: { status: 'up', kind: 'postgres' }, readModels: { status: 'down', dialect: 'postgres', message: 'the lease ended' } },
    };
    expect(toProblem(new ServiceUnavailableException(results))).toEqual({
      type: 'about:blank', title: 'service unavailable', status: 503, detail: 'Service Unavailable Exception',
      info: results.info, error: results.error, details: results.details,
    });
  });

  it("adds nothing to Nest's own bodies: their message is the detail, their strings are not extensions", () => {
    expect(toProblem(new BadRequestException(['a must be a string', 'b is required']))).toEqual({
      type: 'about:blank', title: 'bad request', status: 400, detail: 'a must be a string,b is required',
    });
    expect(toProblem(new NotFoundException('no such license'))).toEqual({ type: 'about:blank', title: 'not found', status: 404, detail: 'no such license' });
  });
});
