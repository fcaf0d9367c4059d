/**
 * A synthetic service graph for the plan benchmark, as a `causeway:services` config overlay for
 * the dev stack: the stack's own services are removed, and N services form a binary tree
 * (svc-0000 is exposed at "/" and calls svc-0001 and svc-0002, and so on). Every third service
 * has a database, every third (offset 1) uses the broker, like a realistic mix. The synthetic
 * services have no code to build, so each runs an image pinned by digest (as staging and prod
 * run dev's images): a ServiceImage with no repository and no build.
 */
export function syntheticServices(n: number): Record<string, unknown> {
  const name = (i: number) => `svc-${String(i).padStart(4, "0")}`;
  const services: Record<string, unknown> = { gateway: null, orders: null, payments: null };
  for (let i = 0; i < n; i++) {
    const upstreams = [2 * i + 1, 2 * i + 2].filter((j) => j < n).map(name);
    services[name(i)] = {
      image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/${name(i)}@sha256:${"b".repeat(64)}`,
      upstreams,
      ...(i === 0 ? { expose: { path: "/" } } : {}),
      ...(i % 3 === 1 ? { database: true } : {}),
      ...(i % 3 === 2 ? { broker: true } : {}),
    };
  }
  return services;
}
