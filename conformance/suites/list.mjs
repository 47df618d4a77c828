// The libraries whose own test suites `npm run suites` runs, each from a
// checkout in `<dir>/<name>` (fetched, with `npm install --ignore-scripts` run
// in it once; no network at run time). `command` runs the suite printing TAP;
// `include` names the library's own files (what TSDB_INCLUDE gets); `setup`
// runs once before the plain run; `timing` lists tests that assert on elapsed
// time (excepted from the comparison).
const mocha = (...args) => ["node_modules/mocha/bin/_mocha", "--reporter", "tap", "--timeout", "600000", ...args];

export const SUITES = [
  { name: "minimist", repo: "minimistjs/minimist", command: ["node_modules/tape/bin/tape", "test/*.js"], include: ["index.js", "test/**"] },
  { name: "picomatch", repo: "micromatch/picomatch", command: mocha("test"), include: ["index.js", "posix.js", "lib/**", "test/**"] },
  {
    name: "fast-deep-equal",
    repo: "epoberezkin/fast-deep-equal",
    setup: ["node", "build"],
    command: mocha("spec/*.spec.js"),
    include: ["index.js", "react.js", "es6/**", "spec/**"],
  },
  { name: "debug", repo: "debug-js/debug", command: mocha("test.js", "test.node.js"), include: ["src/**", "test.js", "test.node.js"] },
  {
    name: "punycode.js",
    repo: "mathiasbynens/punycode.js",
    command: mocha("tests"),
    include: ["punycode.js", "punycode.es6.js", "tests/**"],
  },
  { name: "bn.js", repo: "indutny/bn.js", command: mocha("test/*-test.js"), include: ["lib/**", "test/**"] },
  { name: "mime-types", repo: "jshttp/mime-types", command: mocha("test/test.js"), include: ["index.js", "mimeScore.js", "test/**"] },
  // The three below are also bench/suites.mjs's (same commits): their costs are measured there.
  { name: "js-yaml", repo: "nodeca/js-yaml", command: mocha(), include: ["index.js", "lib/**", "test/**"] },
  {
    name: "chai",
    repo: "chaijs/chai",
    setup: ["npm", "run", "build"],
    command: mocha("--require", "./test/bootstrap/index.js", "test/*.js"),
    include: ["index.js", "lib/**", "test/**"],
  },
  { name: "qs", repo: "ljharb/qs", command: ["node_modules/tape/bin/tape", "test/**/*.js"], include: ["lib/**", "test/**"] },
];
