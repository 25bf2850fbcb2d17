import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_HINT, describePasswordPolicy } from './password-policy';

describe('describePasswordPolicy', () => {
  it.each([
    [null, DEFAULT_PASSWORD_HINT],
    [{}, DEFAULT_PASSWORD_HINT],
    [{ minLength: 8 }, 'At least 8 characters.'],
    [{ minLength: 8, number: true }, 'At least 8 characters, with a number.'],
    [
      { minLength: 12, uppercase: true, lowercase: true, nonAlphanumeric: true },
      'At least 12 characters, with an uppercase letter, a lowercase letter and a symbol.',
    ],
    [{ number: true }, 'Must include a number.'],
  ])('%j → %s', (policy, text) => {
    expect(describePasswordPolicy(policy)).toBe(text);
  });
});
