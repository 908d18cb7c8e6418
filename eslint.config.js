import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const src = 'frontend/src';
const features = ['admin', 'auth', 'chat', 'rooms'];

// app → features → shared (lib, components): a feature that needs another
// feature's code is a sign that the code belongs in lib/ or components/.
const boundaries = [
  ...features.map((name) => ({
    target: `${src}/features/${name}`,
    from: `${src}/features`,
    except: [`./${name}`],
    message: 'Features never import each other; move the shared piece to lib/ or components/.',
  })),
  ...['lib', 'components'].map((layer) => ({
    target: `${src}/${layer}`,
    from: [`${src}/features`, `${src}/app`],
    message: 'Shared code imports no feature and not the app.',
  })),
  {
    target: `${src}/features`,
    from: `${src}/app`,
    message: 'Features do not import the app; the app wires the features.',
  },
];

export default tseslint.config(
  { ignores: ['assets/**', '**/node_modules/**', 'test-results/**', '.data/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['frontend/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'frontend/tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node } },
  },
);
