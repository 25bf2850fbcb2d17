// Debian's Chromium driven by playwright-core. Every request any page makes is
// recorded, and anything not addressed to the loopback interface is blocked
// (and reported by the closing test of each file, itStayedLocal in e2e.mjs).
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLocalUrl(url) {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return LOCAL_HOSTS.has(hostname);
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  // launch() gives every run a fresh temporary profile (user-data-dir).
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const requests = [];
  const foreign = [];
  const cspViolations = [];
  const pageErrors = [];

  async function newContext(options = {}) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...options,
    });
    await context.route(
      (url) => !isLocalUrl(url.href),
      async (route) => {
        foreign.push(route.request().url());
        await route.abort('blockedbyclient');
      },
    );
    context.on('request', (request) => requests.push(request.url()));
    // Layout-shift and CSP-violation bookkeeping inside every page.
    await context.addInitScript(() => {
      window.__layoutShift = 0;
      try {
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) window.__layoutShift += entry.value;
          }
        }).observe({ type: 'layout-shift', buffered: true });
      } catch {
        // layout-shift entries not supported
      }
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
      });
    });
    context.on('page', watchPage);
    return context;
  }

  function watchPage(page) {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text()))
        cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  }

  return {
    browser,
    newContext,
    requests,
    foreign,
    cspViolations,
    pageErrors,
    close: () => browser.close(),
  };
}
