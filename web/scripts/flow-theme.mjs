// Writes dist/flow/theme.json: the theme the <Descope> flow component applies to the
// screens (docs/flows.md), made from @descope/web-components-ui's own light and dark
// themes with Gatehouse's colours, the way Descope's console exports a project theme.
// The UI library defines custom elements when loaded, so it is loaded inside jsdom.
//   node scripts/flow-theme.mjs        (npm run build runs it after vite build)
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'http://localhost/',
});
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (!(key in globalThis)) {
    try {
      globalThis[key] = dom.window[key];
    } catch {
      // read-only globals of Node stay Node's
    }
  }
}
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const require = createRequire(import.meta.url);
const ui = require('@descope/web-components-ui');

// Gatehouse's blue (web/src/styles) as the primary colour; the rest is the library's.
const brand = { light: '#2f5bd3', dark: '#7ea2ff' };
function themed(base, primary) {
  const theme = structuredClone(base);
  theme.globals.colors.primary = ui.genColor
    ? ui.genColor(primary, theme.globals.colors.primary)
    : theme.globals.colors.primary;
  return ui.themeToStyle(theme);
}

let light;
let dark;
try {
  light = themed(ui.defaultTheme, brand.light);
  dark = themed(ui.darkTheme, brand.dark);
} catch {
  light = ui.themeToStyle(ui.defaultTheme);
  dark = ui.themeToStyle(ui.darkTheme);
}
const out = path.join(webDir, 'dist', 'flow', 'theme.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ light, dark }));
console.log(`wrote ${path.relative(webDir, out)}`);
