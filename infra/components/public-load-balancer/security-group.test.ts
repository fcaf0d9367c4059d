import { describe, expect, it } from "vitest";
import { egressRules, ingressRules } from "./security-group";

describe("security group rule table", () => {
  it("opens 443 and 80 to each allowed CIDR, keyed by the CIDR", () => {
    expect(ingressRules(["10.0.0.0/8", "0.0.0.0/0", "10.0.0.0/8"])).toEqual([
      {
        key: "https-from-0-0-0-0-0",
        port: 443,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTPS from 0.0.0.0/0 to the public load balancer",
      },
      {
        key: "http-from-0-0-0-0-0",
        port: 80,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTP from 0.0.0.0/0, only redirected to HTTPS",
      },
      {
        key: "https-from-10-0-0-0-8",
        port: 443,
        cidrIpv4: "10.0.0.0/8",
        description: "HTTPS from 10.0.0.0/8 to the public load balancer",
      },
      {
        key: "http-from-10-0-0-0-8",
        port: 80,
        cidrIpv4: "10.0.0.0/8",
        description: "HTTP from 10.0.0.0/8, only redirected to HTTPS",
      },
    ]);
  });

  it("allows egress only on the distinct service ports", () => {
    expect(egressRules([8080, 9090, 8080], "the VPC")).toEqual([
      {
        key: "to-targets-8080",
        port: 8080,
        description: "Requests and health checks to service pods on port 8080 (the VPC)",
      },
      {
        key: "to-targets-9090",
        port: 9090,
        description: "Requests and health checks to service pods on port 9090 (the VPC)",
      },
    ]);
  });
});
