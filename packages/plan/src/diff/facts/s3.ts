import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

const S3_BUCKET = `${TF}/s3/bucket.go`;

/** S3 buckets. */
export const s3Facts: FactsTable = {
  family: "Amazon S3",
  replacements: [...replaces("aws:s3/bucket:Bucket", S3_BUCKET, ["bucket", "bucketPrefix"])],
  stateful: [],
  storageChanges: [],
};
