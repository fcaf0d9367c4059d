import { ServiceImage } from "@causeway/components";

/** Build services/Dockerfile for `orders` into its own ECR repository, tagged by content. */
export function example() {
  const orders = new ServiceImage("orders", { build: {} });
  // Or run what another stack built, pinned by digest (no repository, no build):
  const pinned = new ServiceImage("payments", {
    pinned: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/payments@sha256:${"ab".repeat(32)}`,
  });
  return { ordersImage: orders.imageRef, paymentsImage: pinned.imageRef };
}
