/**
 * Alerts that live in Amazon Managed Service for Prometheus, for what CloudWatch cannot see per
 * pod: container restarts. Pure; no Pulumi. AMP reads rule files and the alert manager
 * definition as YAML; the JSON written here is YAML (flow style), so no YAML library is needed.
 * Sources: AMP User Guide, "Creating a rules file" and "Creating an alert manager configuration"
 * (the `alertmanager_config` key, `sns_configs` with `topic_arn` and `sigv4.region`).
 */

/** The alert name the SNS subject carries. */
export const RESTART_ALERT = "ServiceContainerRestarted";

/**
 * A container restarted in place: `process_start_time_seconds` (prom-client's default metric,
 * one series per pod) changed within the pod's series. A new pod (rollout, scale-out) is a new
 * series, so it does not count. Envoy restarts are not counted (no such metric is merged).
 */
export function ampRuleGroups(input: {
  readonly restarts: number;
  readonly services: readonly string[];
}) {
  const jobs = [...input.services].sort().join("|");
  return {
    groups: [
      {
        name: "causeway-pods",
        rules: [
          {
            alert: RESTART_ALERT,
            expr: `sum by (service, pod) (changes(process_start_time_seconds{job=~"${jobs}"}[15m])) >= ${input.restarts}`,
            labels: { severity: "page" },
            annotations: {
              summary:
                "{{ $labels.service }} pod {{ $labels.pod }} restarted {{ $value }} times in 15 minutes",
              runbook:
                "README.md, Observability: look at the pod's logs in CloudWatch Logs Insights",
            },
          },
        ],
      },
    ],
  };
}

/** The rules file, as AMP's `data`. */
export function ampRulesData(input: Parameters<typeof ampRuleGroups>[0]): string {
  return JSON.stringify(ampRuleGroups(input), null, 2);
}

/** The alert manager definition: every alert to one SNS topic. */
export function alertManagerDefinition(topicArn: string, region: string): string {
  const config = {
    route: { receiver: "sns", group_by: ["alertname", "service"] },
    receivers: [{ name: "sns", sns_configs: [{ topic_arn: topicArn, sigv4: { region } }] }],
  };
  return JSON.stringify({ alertmanager_config: JSON.stringify(config, null, 2) }, null, 2);
}
