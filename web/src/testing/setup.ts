import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { resetDescopeMock } from './descope-mock';

vi.mock('@descope/react-sdk', async () => (await import('./descope-mock')).descopeModule);

beforeEach(() => {
  resetDescopeMock();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// jsdom has no layout; React Router's scroll restoration calls this.
window.scrollTo = () => {};
