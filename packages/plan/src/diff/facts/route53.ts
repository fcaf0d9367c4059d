import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

const R53_RECORD = `${TF}/route53/record.go`;

/** Route 53 records. */
export const route53Facts: FactsTable = {
  family: "Amazon Route 53",
  replacements: [...replaces("aws:route53/record:Record", R53_RECORD, ["zoneId", "name"])],
  stateful: [],
  storageChanges: [],
};
