import { describe, expect, it } from "vitest";
import { plan, res } from "../../test/fixtures";
import type { PlannedResource } from "../core/model";
import { diffPlans, type StackDiff } from "./diff";

/**
 * The rules that make a danger flag "this deploy would fail", each on synthetic before/after
 * resources with the unfixed and the fixed option, so that they are proven whatever the
 * components do today.
 */

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RDS = "aws:rds/instance:Instance";
const PG = "aws:rds/parameterGroup:ParameterGroup";
const TG = "aws:lb/targetGroup:TargetGroup";
const TGB = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const BROKER = "aws:mq/broker:Broker";
const IMAGE = "docker:index/image:Image";

const diff = (before: PlannedResource[], after: PlannedResource[]) =>
  diffPlans(plan(before), plan(after));
const flags = (d: StackDiff) => d.danger.map((f) => [f.class, f.name, f.message]);
const failing = (d: StackDiff) => d.danger.filter((f) => f.class === "would-fail");

describe("a replacement that keeps a fixed unique name", () => {
  const sg = (
    description: string,
    extra: Partial<PlannedResource> = {},
    name = "causeway-dev-postgres",
  ) =>
    res(
      SG,
      "database-sg",
      { description, ...(name ? { name } : { namePrefix: "db-" }), vpcId: "vpc-1" },
      extra,
    );

  it("would fail without deleteBeforeReplace: the new security group's name collides", () => {
    const d = diff([sg("old")], [sg("new")]);
    expect(d.changes[0]).toMatchObject({ kind: "replace" });
    expect(failing(d)).toHaveLength(1);
    expect(failing(d)[0]!.message).toMatch(
      /^this deploy would fail: the replacement creates the new one before it deletes the old, and the name causeway-dev-postgres must be unique within its VPC: the create is refused \(InvalidGroup\.Duplicate\) \[https:\/\/docs\.aws\.amazon\.com\/AWSEC2\/.*\]\. Fix: set deleteBeforeReplace on it \(it is then missing while it is re-created\), or drop name for namePrefix so that Pulumi names it$/,
    );
  });

  it("is a downtime flag with deleteBeforeReplace, and clean when Pulumi names it", () => {
    const dbr = diff(
      [sg("old", { deleteBeforeReplace: true })],
      [sg("new", { deleteBeforeReplace: true })],
    );
    expect(flags(dbr)).toEqual([
      [
        "downtime",
        "database-sg",
        "deleteBeforeReplace deletes causeway-dev-postgres before the new one is created: it is missing until the new one exists",
      ],
    ]);
    const prefixed = diff([sg("old", {}, "")], [sg("new", {}, "")]);
    expect(prefixed.changes[0]).toMatchObject({ kind: "replace" });
    expect(prefixed.danger).toEqual([]);
  });

  it("is not a collision when the name itself changes", () => {
    const d = diff(
      [res(PG, "params", { name: "db-postgres17", family: "postgres17" })],
      [res(PG, "params", { name: "db-postgres18", family: "postgres18" })],
    );
    expect(d.changes[0]).toMatchObject({ kind: "replace" });
    expect(d.danger).toEqual([]);
  });
});

describe("an RDS engine version change", () => {
  const params = (major: string) =>
    res(PG, `params-${major}`, { name: `db-postgres${major}`, family: `postgres${major}` });
  const instance = (engineVersion: string, extra: Record<string, unknown> = {}) =>
    res(
      RDS,
      "database",
      {
        engine: "postgres",
        engineVersion,
        identifier: "db",
        allowMajorVersionUpgrade: false,
        applyImmediately: false,
        parameterGroupName: "db-postgres17",
        ...extra,
      },
      { deleteBeforeReplace: true },
    );

  it("would fail on a major upgrade without allowMajorVersionUpgrade", () => {
    const d = diff([params("17"), instance("17")], [params("17"), instance("18")]);
    expect(d.changes.find((c) => c.type === RDS)).toMatchObject({ kind: "update" });
    expect(failing(d).map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^this deploy would fail: engineVersion goes from 17 to 18, a major version upgrade, and ModifyDBInstance refuses it unless AllowMajorVersionUpgrade is set \(allowMajorVersionUpgrade is false\) \[https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/APIReference\/API_ModifyDBInstance\.html\]\. Fix: set allowMajorVersionUpgrade: true/,
      ),
      expect.stringMatching(
        /^this deploy would fail: the instance keeps parameter group db-postgres17 of family postgres17, and a major version upgrade to 18 needs a parameter group of family postgres18/,
      ),
    ]);
  });

  it("would fail with allowMajorVersionUpgrade but the old family's parameter group", () => {
    const d = diff(
      [params("17"), instance("17")],
      [params("17"), instance("18", { allowMajorVersionUpgrade: true })],
    );
    expect(failing(d).map((f) => f.message)).toEqual([
      expect.stringContaining("needs a parameter group of family postgres18"),
    ]);
  });

  it("is a downtime flag with the expected downtime once both are handled", () => {
    const d = diff(
      [params("17"), instance("17")],
      [
        params("18"),
        instance("18", { allowMajorVersionUpgrade: true, parameterGroupName: "db-postgres18" }),
      ],
    );
    expect(failing(d)).toEqual([]);
    expect(flags(d)).toEqual([
      [
        "downtime",
        "database",
        "upgrades postgres 17 → 18 in place, in the next maintenance window (applyImmediately is false): the instance is unavailable for the whole upgrade (Multi-AZ too: both copies upgrade together), typically 10-30 minutes for a small database and longer with more data; take a snapshot first",
      ],
    ]);
  });

  it("is clean for a minor upgrade, and would fail for a downgrade", () => {
    expect(diff([params("17"), instance("17.2")], [params("17"), instance("17.4")]).danger).toEqual(
      [],
    );
    expect(
      failing(diff([params("17"), instance("17")], [params("17"), instance("16")]))[0]!.message,
    ).toContain(
      "engineVersion goes down from 17 to 16, and RDS cannot downgrade an instance in place",
    );
  });
});

describe("a target group replacement under a TargetGroupBinding", () => {
  const tg = (port: number, name: string) =>
    res(TG, "edge-gateway", { name, port, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
  const tgb = (replaceOnChanges: string[] = []) => {
    const t = tg(0, "x");
    return res(
      TGB,
      "edge-gateway",
      {
        metadata: { name: "gateway", namespace: "causeway" },
        spec: { targetGroupARN: `(known after apply: ${t.urn})`, targetType: "ip", vpcID: "vpc-1" },
      },
      { replaceOnChanges },
    );
  };

  it("would fail when the binding cannot follow the new target group ARN", () => {
    const d = diff([tg(8080, "gateway-1a"), tgb()], [tg(9090, "gateway-2b"), tgb()]);
    const binding = d.changes.find((c) => c.type === TGB)!;
    expect(binding).toMatchObject({ kind: "update" });
    expect(binding.applyErrors.map((e) => e.path)).toEqual(["spec.targetGroupARN"]);
    expect(failing(d).map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^this deploy would fail: spec\.targetGroupARN changes, and it cannot be changed in place: the update is refused \[https:\/\/github\.com\/kubernetes-sigs\/aws-load-balancer-controller\/blob\/v3\.5\.0\/webhooks\/elbv2\/targetgroupbinding_validator\.go\]\. Fix: Give the binding replaceOnChanges/,
      ),
    ]);
  });

  it("is replaced with a downtime flag when the binding has replaceOnChanges", () => {
    const roc = ["spec.targetGroupARN", "spec.targetType", "spec.vpcID"];
    const d = diff([tg(8080, "gateway-1a"), tgb(roc)], [tg(9090, "gateway-2b"), tgb(roc)]);
    expect(d.changes.find((c) => c.type === TGB)).toMatchObject({ kind: "replace" });
    expect(failing(d)).toEqual([]);
    expect(flags(d)).toContainEqual([
      "downtime",
      "edge-gateway",
      expect.stringContaining("the load balancer answers 503 meanwhile"),
    ]);
  });

  it("would fail when the target group keeps its fixed name", () => {
    const roc = ["spec.targetGroupARN"];
    const d = diff([tg(8080, "gateway"), tgb(roc)], [tg(9090, "gateway"), tgb(roc)]);
    expect(failing(d).map((f) => f.type)).toEqual([TG]);
    expect(failing(d)[0]!.message).toContain("(DuplicateTargetGroupName)");
  });
});

describe("other rules", () => {
  it("a Deployment selector change is a replacement the provider deletes first: downtime, not a failure", () => {
    const dep = (app: string) =>
      res(DEPLOYMENT, "orders", {
        metadata: { name: "orders", namespace: "causeway" },
        spec: { selector: { matchLabels: { app } } },
      });
    const d = diff([dep("orders")], [dep("orders-v2")]);
    expect(d.changes[0]).toMatchObject({ kind: "replace" });
    expect(flags(d)).toEqual([
      [
        "downtime",
        "orders",
        "the provider deletes orders before it re-creates it (fixed name): its pods are gone until the new Deployment's pods are ready: the service answers nothing meanwhile",
      ],
    ]);
  });

  it("RabbitMQ 3 to 4 only from 3.13 and on mq.m7g; otherwise downtime", () => {
    const broker = (engineVersion: string, hostInstanceType = "mq.m7g.large") =>
      res(BROKER, "broker", { engineType: "RabbitMQ", engineVersion, hostInstanceType });
    const from312 = failing(diff([broker("3.12")], [broker("4.2")]));
    expect(from312.map((f) => f.message)).toEqual([
      expect.stringContaining("Amazon MQ upgrades RabbitMQ 3 to 4 in place only from 3.13"),
    ]);
    const onT3 = failing(diff([broker("3.13", "mq.t3.micro")], [broker("4.2", "mq.t3.micro")]));
    expect(onT3.map((f) => f.message)).toEqual([
      expect.stringContaining("RabbitMQ 4.2 runs only on the mq.m7g instance type"),
    ]);
    expect(flags(diff([broker("3.13")], [broker("4.2")]))).toEqual([
      ["downtime", "broker", expect.stringMatching(/^upgrades RabbitMQ 3\.13 → 4\.2: /)],
    ]);
  });

  it("a rebuild pushed under the same tag to an IMMUTABLE repository would fail; a new tag is clean", () => {
    const image = (VERSION: string, dockerfile: string) =>
      res(IMAGE, "orders", {
        build: { args: { SERVICE: "orders", VERSION }, dockerfile },
        skipPush: false,
      });
    expect(failing(diff([image("src-1", "a")], [image("src-1", "b")]))[0]!.message).toContain(
      "pushed again under its existing tag src-1, and the IMMUTABLE repository refuses it (ImageTagAlreadyExistsException)",
    );
    expect(diff([image("src-1", "a")], [image("src-2", "b")]).danger).toEqual([]);
  });

  it("deleting an ECR repository without forceDelete would fail; retained or forced, it would not", () => {
    const repo = (inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}) =>
      res("aws:ecr/repository:Repository", "orders", { name: "causeway/orders", ...inputs }, extra);
    const refused = failing(diff([repo({ forceDelete: false })], []));
    expect(refused.map((f) => [f.kind, f.message.split(" Fix: ")[0]])).toEqual([
      [
        "delete",
        "this deploy would fail: the image repository causeway/orders is deleted without forceDelete, and ECR refuses to delete a repository that still holds images (RepositoryNotEmptyException): the deploy stops at the delete, after the rest ran [https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html].",
      ],
    ]);
    expect(refused[0]!.message).toContain("pulumi state delete");
    // Unset forceDelete is false (the provider's default).
    expect(failing(diff([repo({})], []))).toHaveLength(1);
    expect(failing(diff([repo({ forceDelete: true })], []))).toEqual([]);
    expect(failing(diff([repo({}, { retainOnDelete: true })], []))).toEqual([]);
    // An update of the repository is no deletion.
    expect(failing(diff([repo({ forceDelete: false })], [repo({ forceDelete: true })]))).toEqual(
      [],
    );
  });

  it("deleting a protected resource would fail; updating it is only flagged", () => {
    const q = (size: number) => res("aws:s3/bucket:Bucket", "logs", { size }, { protect: true });
    expect(failing(diff([q(1)], []))[0]!.message).toMatch(
      /^this deploy would fail: it deletes a protected resource, and Pulumi refuses that\./,
    );
    expect(flags(diff([q(1)], [q(2)]))).toEqual([
      ["protected", "logs", "updates a protected resource"],
    ]);
  });
});
