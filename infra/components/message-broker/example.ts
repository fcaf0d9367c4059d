import { MessageBroker } from "@causeway/components";

/** A private Amazon MQ for RabbitMQ cluster, reachable from the nodes' security group. */
export function example() {
  const broker = new MessageBroker("events", {
    brokerName: "shop-events",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  });
  return { endpoint: broker.endpoint };
}
