import { describe, expect, it } from "vitest";
import { meshPodAnnotations } from "./annotations";

const base = {
  port: 8080,
  exposed: false,
  excludeOutboundPorts: [],
  metricsPath: "/metrics",
  shutdownGraceSeconds: 35,
};

describe("meshPodAnnotations", () => {
  it("opts an internal service in to injection with transparent proxy, all inbound through Envoy", () => {
    expect(meshPodAnnotations(base)).toEqual({
      "consul.hashicorp.com/connect-inject": "true",
      "consul.hashicorp.com/connect-service-port": "8080",
      "consul.hashicorp.com/enable-metrics-merging": "true",
      "consul.hashicorp.com/service-metrics-path": "/metrics",
      "consul.hashicorp.com/service-metrics-port": "8080",
      "consul.hashicorp.com/sidecar-proxy-lifecycle-shutdown-grace-period-seconds": "35",
      "consul.hashicorp.com/transparent-proxy": "true",
    });
  });

  it("lets the load balancer reach an exposed service's port directly, and only that port", () => {
    const a = meshPodAnnotations({ ...base, port: 9000, exposed: true });
    expect(a["consul.hashicorp.com/transparent-proxy-exclude-inbound-ports"]).toBe("9000");
    expect(a["consul.hashicorp.com/transparent-proxy"]).toBe("true");
  });

  it("sends data-store traffic around Envoy, ports sorted and unique", () => {
    const a = meshPodAnnotations({ ...base, excludeOutboundPorts: [5671, 5432, 5671] });
    expect(a["consul.hashicorp.com/transparent-proxy-exclude-outbound-ports"]).toBe("5432,5671");
    expect(meshPodAnnotations(base)).not.toHaveProperty(
      "consul.hashicorp.com/transparent-proxy-exclude-outbound-ports",
    );
  });
});
