// ESLint checks one thing here: that imports inside src/ go one way only,
//
//   components/, lib/  →  features/<name>/  →  app/
//
// i.e. shared code (components, lib) imports neither features nor app, a
// feature never imports app, and features do not import each other (app/
// composes them). src/main.tsx (the entry) and src/testing/ (test helpers,
// which render the whole app) stand outside the layers. Formatting is
// Prettier's job; no style rules are turned on.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';

const src = path.join(import.meta.dirname, 'src');
const features = readdirSync(path.join(src, 'features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const zones = [
  {
    target: ['src/components', 'src/lib'],
    from: ['src/features', 'src/app'],
    message: 'Shared code (components, lib) must not import features or app.',
  },
  {
    target: 'src/features',
    from: 'src/app',
    message: 'A feature must not import app; app composes the features.',
  },
  ...features.map((name) => ({
    target: `src/features/${name}`,
    from: 'src/features',
    except: [`./${name}`],
    message: `Features do not import each other: move what "${name}" needs to components/ or lib/, or compose in app/.`,
  })),
];

export default [
  { ignores: ['dist/', 'coverage/'] },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parser: tsParser,
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // Resolves the '@/…' alias (tsconfig paths) as well as relative imports.
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: path.join(import.meta.dirname, 'tsconfig.json'),
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
      // An import the resolver cannot follow would slip past the rule above.
      'import-x/no-unresolved': 'error',
    },
  },
];
