// ESLint 9 flat config: typescript-eslint's type-aware recommended rules for the
// TypeScript (src/, __tests__/, __fixtures__/, test/, scripts/), the plain recommended
// rules for the few JS build/config scripts, and eslint-config-prettier last so that
// no rule fights Prettier over formatting.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'lib/', 'coverage/', 'node_modules/', '.stack/', 'test/stack/app/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each .ts file gets the types of the tsconfig.json that includes it (src,
        // __tests__, __fixtures__, test, scripts); a .ts file outside its include fails
        // loudly rather than being linted without types.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // Fakes implement async interfaces (DockerHost, KeyStore, ...) with `async` methods that
    // answer at once: an await in each would only be noise.
    files: ['__tests__/**/*.ts', '__fixtures__/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Build and config scripts outside any tsconfig: linted without type information.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  prettier,
);
