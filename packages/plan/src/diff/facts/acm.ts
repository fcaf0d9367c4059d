import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

const ACM_CERT = `${TF}/acm/certificate.go`;

/** ACM certificates. */
export const acmFacts: FactsTable = {
  family: "AWS Certificate Manager",
  replacements: [
    ...replaces("aws:acm/certificate:Certificate", ACM_CERT, [
      "domainName",
      "subjectAlternativeNames",
      "keyAlgorithm",
    ]),
  ],
  stateful: [],
  storageChanges: [],
};
