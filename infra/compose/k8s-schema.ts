import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as storageV1 from "kubernetes-models/storage.k8s.io/v1";
import * as coreV1 from "kubernetes-models/v1";

/**
 * Validation of planned Kubernetes objects against the Kubernetes OpenAPI schema, with the
 * models of `kubernetes-models` (generated from the upstream OpenAPI spec; ajv validators).
 * They check types, required fields and enums; unknown fields are left to TypeScript (the
 * `@pulumi/kubernetes` input types) and to the API server.
 */

type Model = new (data: Record<string, unknown>) => { validate(): void };

/** The model modules by Pulumi type-token prefix (`kubernetes:<group>/<version>`). */
const modules: Readonly<Record<string, Record<string, unknown>>> = {
  "kubernetes:core/v1": coreV1,
  "kubernetes:apps/v1": appsV1,
  "kubernetes:autoscaling/v2": autoscalingV2,
  "kubernetes:batch/v1": batchV1,
  "kubernetes:networking.k8s.io/v1": networkingV1,
  "kubernetes:policy/v1": policyV1,
  "kubernetes:rbac.authorization.k8s.io/v1": rbacV1,
  "kubernetes:storage.k8s.io/v1": storageV1,
};

/** The kubernetes-models class for a Pulumi type token, if the schema package has it. */
export function modelFor(type: string): Model | undefined {
  const colon = type.lastIndexOf(":");
  const module = modules[type.slice(0, colon)];
  const model = module?.[type.slice(colon + 1)];
  return typeof model === "function" ? (model as Model) : undefined;
}

/** Whether a planned value is a placeholder the offline plan could not know. */
export function isPlaceholder(value: unknown): boolean {
  return (
    value === "[secret]" || (typeof value === "string" && value.startsWith("(known after apply"))
  );
}

/** The object without placeholder values, and the paths that held them. */
export function withoutPlaceholders(
  value: unknown,
  path = "",
): { value: unknown; unknown: string[] } {
  if (Array.isArray(value)) {
    const parts = value.map((v, i) => ({
      keep: !isPlaceholder(v),
      ...withoutPlaceholders(v, `${path}/${i}`),
    }));
    return {
      value: parts.filter((p) => p.keep).map((p) => p.value),
      unknown: parts.flatMap((p) => p.unknown),
    };
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (isPlaceholder(v)) {
        unknown.push(`${path}/${k}`);
        continue;
      }
      const inner = withoutPlaceholders(v, `${path}/${k}`);
      out[k] = inner.value;
      unknown.push(...inner.unknown);
    }
    return { value: out, unknown };
  }
  return { value, unknown: isPlaceholder(value) ? [path] : [] };
}

/**
 * Schema errors of one planned object (empty when valid), or undefined when the schema package
 * has no model for the type. Values the offline plan cannot know (`[secret]`, known after
 * apply) are left out; `withoutPlaceholders` lists where they were.
 */
export function schemaErrors(type: string, inputs: Record<string, unknown>): string[] | undefined {
  const Model = modelFor(type);
  if (!Model) return undefined;
  const { value } = withoutPlaceholders(inputs);
  try {
    new Model(value as Record<string, unknown>).validate();
    return [];
  } catch (e) {
    return String((e as Error).message)
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  }
}
