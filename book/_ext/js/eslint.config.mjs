// ESLint for the book's own browser scripts (`make lint`): the recommended rules, browser globals.
// The linter and its rules are installed by `make lint` into .venv/node_modules.
import { createRequire } from "node:module";

const require = createRequire(new URL("../../../.venv/node_modules/", import.meta.url));
const js = require("@eslint/js");
const globals = require("globals");

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      globals: { ...globals.browser, require: "readonly", requirejs: "readonly" },
    },
  },
];
