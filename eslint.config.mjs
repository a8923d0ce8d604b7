// Lint rules. The house rules (layers, doors, no circles) are dependency-cruiser's (.dependency-cruiser.cjs); here:
// src/core/ stays free of VS Code, and files and functions stay small enough to read — a longer one says why in a
// comment (`// eslint-disable-next-line max-lines-per-function -- why`, or `/* eslint-disable max-lines -- why */`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/.work/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code: put VS Code code in src/vscode/.' }],
          patterns: [
            { group: ['**/vscode/**', '../extension', '../cli/**'], message: 'src/core must not import the fronts (extension, CLI).' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**', 'bench/**', 'test/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain-JS tooling run by Node; the harness also passes functions to the browser (page.evaluate).
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // CommonJS run by Node (the network guard preloaded into CLI test processes).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
