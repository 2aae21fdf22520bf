import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.node-red/**', '.node-red-5/**', '.bench/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Node-RED's own idiom for the node inside callbacks.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    // Editor code, served to the browser by Node-RED from resources/.
    files: ['resources/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, RED: 'readonly', $: 'readonly' } },
    // Node-RED's own idiom for the node inside callbacks.
    rules: { '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }] },
  },
  {
    // Loaded by the editor and required by the runtime.
    files: ['resources/sms-account-credentials.js'],
    languageOptions: { globals: { module: 'readonly' } },
  },
  {
    files: ['test/**/*.js', 'scripts/**/*.js', 'bench/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node, ...globals.mocha },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const crypto = require('node:crypto')` is the clear way to say where it comes from.
      'no-redeclare': ['error', { builtinGlobals: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
