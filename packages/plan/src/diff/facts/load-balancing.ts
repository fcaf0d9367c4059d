import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

// Elastic Load Balancing API reference, version 2015-12-01 (each action's Errors).
const ELBV2_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference";
const ELBV2_LB = `${TF}/elbv2/load_balancer.go`;
const ELBV2_TG = `${TF}/elbv2/target_group.go`;
const ELBV2_LISTENER = `${TF}/elbv2/listener.go`;
const ELBV2_RULE = `${TF}/elbv2/listener_rule.go`;

/** Application Load Balancers, their target groups, listeners and listener rules. */
export const loadBalancingFacts: FactsTable = {
  family: "Elastic Load Balancing",
  replacements: [
    ...replaces("aws:lb/loadBalancer:LoadBalancer", ELBV2_LB, [
      "name",
      "namePrefix",
      "internal",
      "loadBalancerType",
      "customerOwnedIpv4Pool",
    ]),
    ...replaces("aws:lb/targetGroup:TargetGroup", ELBV2_TG, [
      "name",
      "namePrefix",
      "port",
      "protocol",
      "protocolVersion",
      "vpcId",
      "targetType",
      "ipAddressType",
    ]),
    ...replaces("aws:lb/listener:Listener", ELBV2_LISTENER, ["loadBalancerArn"]),
    ...replaces("aws:lb/listenerRule:ListenerRule", ELBV2_RULE, ["listenerArn"]),
  ],
  stateful: [
    {
      type: "aws:lb/loadBalancer:LoadBalancer",
      label: "load balancer",
      loss: "its DNS name (clients and DNS records pointing at it break)",
    },
  ],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:lb/targetGroup:TargetGroup",
      property: "name",
      scope: "in the account and Region",
      refusal: "DuplicateTargetGroupName",
      prefixProperty: "namePrefix",
      source: `${ELBV2_API}/API_CreateTargetGroup.html`,
    },
    {
      type: "aws:lb/loadBalancer:LoadBalancer",
      property: "name",
      scope: "in the account and Region",
      refusal: "DuplicateLoadBalancerName",
      prefixProperty: "namePrefix",
      source: `${ELBV2_API}/API_CreateLoadBalancer.html`,
    },
  ],
};
