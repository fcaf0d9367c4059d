import { dlqOf } from "./alarms";

/**
 * The stack's CloudWatch dashboard body, generated from the service graph and the stack's data
 * stores: no widget is written by hand per service. Pure; no Pulumi. Format: CloudWatch
 * "Dashboard Body Structure and Syntax" (widgets of type metric/text, metric arrays
 * `[namespace, name, dimension, value, ..., {options}]`, math as `{ expression, id }`).
 */

export interface DashboardInput {
  readonly region: string;
  readonly title: string;
  /** CloudWatch namespace of the services' curated metrics (the collector's EMF exporter). */
  readonly metricsNamespace: string;
  /** The services of the graph. */
  readonly services: readonly string[];
  /** The order funnel: the orders service and its result queues. */
  readonly funnel?: {
    readonly service: string;
    readonly paidQueue: string;
    readonly failedQueue: string;
  };
  readonly loadBalancer?: { readonly arnSuffix: string };
  readonly database?: { readonly identifier: string };
  readonly broker?: {
    readonly name: string;
    readonly virtualHost: string;
    readonly queues: readonly string[];
  };
  /** ARNs of the stack's alarms, shown as one status widget. */
  readonly alarmArns?: readonly string[];
}

type Metric = (string | Record<string, unknown>)[];
interface Widget {
  type: "metric" | "text" | "alarm";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const FULL = 24;
const HEIGHT = 6;
/** HTTP status codes the services answer that count as errors (the kit's catalogue and proxies). */
export const ERROR_STATUS_CODES = ["500", "502", "503", "504"] as const;

/** The dashboard body (an object; the component serialises it). */
export function dashboardBody(input: DashboardInput): { widgets: Widget[] } {
  const widgets: Widget[] = [];
  let y = 0;
  const row = (cells: Omit<Widget, "x" | "y" | "width" | "height">[], height = HEIGHT) => {
    const width = Math.floor(FULL / cells.length);
    cells.forEach((c, i) => widgets.push({ ...c, x: i * width, y, width, height }));
    y += height;
  };
  const chart = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}) => ({
    type: "metric" as const,
    properties: {
      title,
      region: input.region,
      view: "timeSeries",
      period: 60,
      stat: "Sum",
      metrics,
      ...extra,
    },
  });
  const text = (markdown: string) => ({ type: "text" as const, properties: { markdown } });
  const ns = input.metricsNamespace;
  const http = "http_request_duration_seconds";

  row(
    [
      text(
        `# ${input.title}\nGolden signals per service, the order funnel, the queues and the data stores. Stuck order? README.md, "Where to look when an order is stuck".`,
      ),
    ],
    2,
  );
  if (input.alarmArns && input.alarmArns.length > 0) {
    row([{ type: "alarm", properties: { title: "Alarms", alarms: [...input.alarmArns] } }], 3);
  }

  // Golden signals: traffic, errors, latency, saturation; one row per service.
  for (const service of [...input.services].sort()) {
    const errors = ERROR_STATUS_CODES.map((c) => `status_code="${c}"`).join(" OR ");
    row([
      chart(`${service}: traffic (requests/min)`, [
        [ns, http, "service", service, { stat: "SampleCount", label: "requests" }],
      ]),
      chart(`${service}: errors (5xx/min)`, [
        [
          {
            expression: `SUM(SEARCH('{${ns},service,status_code} MetricName="${http}" service="${service}" (${errors})', 'SampleCount', 60))`,
            label: "5xx",
            id: "errors",
          },
        ],
      ]),
      chart(
        `${service}: latency (s)`,
        [
          [ns, http, "service", service, { stat: "p50", label: "p50" }],
          [ns, http, "service", service, { stat: "p99", label: "p99" }],
        ],
        { stat: "p99" },
      ),
      chart(`${service}: saturation`, [
        [ns, "process_cpu_seconds_total", "service", service, { stat: "Sum", label: "CPU s/min" }],
        [
          ns,
          "nodejs_eventloop_lag_p99_seconds",
          "service",
          service,
          { stat: "Maximum", label: "event loop lag p99 (s)", yAxis: "right" },
        ],
      ]),
    ]);
  }

  const f = input.funnel;
  if (f) {
    const consumed = (queue: string, label: string): Metric => [
      ns,
      "messages_consumed_total",
      "service",
      f.service,
      "queue",
      queue,
      "outcome",
      "processed",
      { stat: "Sum", label },
    ];
    row([
      chart(
        "Order funnel: placed -> paid or failed (per 5 min)",
        [
          [
            ns,
            http,
            "service",
            f.service,
            "status_code",
            "201",
            { stat: "SampleCount", label: "placed (201)" },
          ],
          consumed(f.paidQueue, "paid"),
          consumed(f.failedQueue, "payment failed"),
        ],
        { period: 300 },
      ),
      chart("Orders PENDING", [
        [ns, "orders_pending", "service", f.service, { stat: "Maximum", label: "pending" }],
        [
          ns,
          "orders_pending_oldest_age_seconds",
          "service",
          f.service,
          { stat: "Maximum", label: "oldest age (s)", yAxis: "right" },
        ],
      ]),
    ]);
  }

  const b = input.broker;
  if (b) {
    const depth = (queue: string): Metric => [
      "AWS/AmazonMQ",
      "MessageCount",
      "Broker",
      b.name,
      "VirtualHost",
      b.virtualHost,
      "Queue",
      queue,
      { stat: "Maximum", label: queue },
    ];
    const queues = [...b.queues].sort();
    row([
      chart("Queue depth (messages)", queues.map(depth), { stat: "Maximum" }),
      chart(
        "Dead-letter queues (any message is an alarm)",
        queues.map((q) => depth(dlqOf(q))),
        {
          stat: "Maximum",
        },
      ),
    ]);
  }

  const stores: ReturnType<typeof chart>[] = [];
  if (input.loadBalancer) {
    const lb = (name: string, label: string, extra: Record<string, unknown> = {}): Metric => [
      "AWS/ApplicationELB",
      name,
      "LoadBalancer",
      input.loadBalancer!.arnSuffix,
      { label, ...extra },
    ];
    stores.push(
      chart("Load balancer", [
        lb("RequestCount", "requests"),
        lb("HTTPCode_Target_5XX_Count", "target 5xx"),
        lb("HTTPCode_ELB_5XX_Count", "ALB 5xx"),
        lb("TargetResponseTime", "p99 response (s)", { stat: "p99", yAxis: "right" }),
      ]),
    );
  }
  if (input.database) {
    const rds = (name: string, stat: string, extra: Record<string, unknown> = {}): Metric => [
      "AWS/RDS",
      name,
      "DBInstanceIdentifier",
      input.database!.identifier,
      { stat, label: name, ...extra },
    ];
    stores.push(
      chart("Database", [
        rds("CPUUtilization", "Average"),
        rds("DatabaseConnections", "Maximum"),
        rds("FreeStorageSpace", "Minimum", { yAxis: "right" }),
      ]),
    );
  }
  if (b) {
    const mq = (name: string, stat: string, extra: Record<string, unknown> = {}): Metric => [
      "AWS/AmazonMQ",
      name,
      "Broker",
      b.name,
      { stat, label: name, ...extra },
    ];
    stores.push(
      chart("Broker", [
        mq("RabbitMQMemUsed", "Maximum"),
        mq("RabbitMQMemLimit", "Minimum"),
        mq("RabbitMQDiskFree", "Minimum", { yAxis: "right" }),
        mq("RabbitMQDiskFreeLimit", "Maximum", { yAxis: "right" }),
      ]),
    );
  }
  if (stores.length > 0) row(stores);
  return { widgets };
}
