import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
const dir = __dirname + "/provider";
const r = new Analyzer(dir, "causeway", require(dir + "/package.json"), new Set(process.argv.slice(2))).analyze();
console.log(JSON.stringify(r, null, 1).slice(0, 6000));
