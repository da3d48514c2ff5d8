import { describe, expect, it } from 'vitest';
import { describeError, isDatabaseUnavailable } from '../../src/services/describe-error.js';

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('reading errors', () => {
  it.each([
    'MongoNetworkError',
    'MongoServerSelectionError',
    'MongoNotConnectedError',
    'MongoPoolClearedError',
    'MongoTopologyClosedError',
    'MongooseServerSelectionError',
  ])('takes %s for a database that cannot be reached', (name) => expect(isDatabaseUnavailable(named(name))).toBe(true));

  it('takes mongoose buffering timeouts for an outage, and bugs or bad data for something else', () => {
    expect(isDatabaseUnavailable(new Error('Operation `requests.findOne()` buffering timed out after 10000ms'))).toBe(true);
    expect(isDatabaseUnavailable(named('ValidationError'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable('down')).toBe(false);
  });

  it('never logs the message of an error that may quote a value', () => {
    expect(describeError(named('ValidationError', 'phone +79131234567 is invalid'))).toEqual({ type: 'ValidationError' });
    expect(describeError(named('MongoNetworkError', 'connect ECONNREFUSED'))).toMatchObject({ message: 'connect ECONNREFUSED' });
  });
});
