// Lint keeps the arrows of DESIGN.md honest: `electron` only in electron/main and electron/preload, `react` only in
// renderer/, and renderer/ imports nothing of electron/ but electron/api.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const reactOnlyInRenderer = [
  { group: ['react', 'react-dom', 'react-dom/*', 'antd', 'antd/*', 'react-*'], message: 'React belongs to renderer/.' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'dist-electron',
      'release',
      '.tmp',
      'test-results',
      'playwright-report',
      'build/native',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'build/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: reactOnlyInRenderer }],
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: reactOnlyInRenderer }] },
  },
  {
    files: ['electron/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...reactOnlyInRenderer,
            {
              group: [
                '../core/*',
                '../handlers',
                '../main/*',
                '../web/*',
                '../cli/*',
                '../excel/*',
                'drizzle-orm*',
                'better-sqlite3',
              ],
              message: 'The contract is shared with the renderer: no services, hosts or database here.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            {
              regex: '^(\\.\\./)+electron/(?!api(/|$))',
              message: 'renderer/ may import only electron/api of electron/.',
            },
            {
              group: ['node:*', 'better-sqlite3', 'drizzle-orm*', 'exceljs', '**/db/*', '**/db'],
              message: 'No Node or database code in the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    // renderer tests run in Node: they may read source files
    files: ['renderer/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', 'e2e/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
