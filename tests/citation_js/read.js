// Reads citations on standard input in the format named by the first argument (a Citation.js
// input type such as "@ris/file", "@biblatex/text" or "@csl/list+object") and writes them to
// standard output as CSL-JSON.
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-ris");
require("@citation-js/plugin-bibtex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const format = process.argv[2];
  const data = format.startsWith("@csl") ? JSON.parse(input) : input;
  const records = new Cite(data, { forceType: format }).data;
  process.stdout.write(JSON.stringify(records.map(({ _graph, ...record }) => record)));
});
