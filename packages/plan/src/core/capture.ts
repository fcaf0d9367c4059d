import * as pulumi from "@pulumi/pulumi";
import { answerInvoke, type InvokeAnswers } from "./invokes";
import { mask } from "./mask";
import { knownAfterApply, type PlannedResource } from "./model";

/** The subset of a RegisterResourceRequest the plan reads (protobuf getters). */
interface RegisterRequest {
  /** Set for reads of existing resources. */
  readonly read?: boolean;
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  /** Outputs the resource class declares secret (e.g. a generated password's `result`). */
  getAdditionalsecretoutputsList(): string[];
  getAliasesList(): { toObject(): unknown }[];
  getPropertydependenciesMap(): {
    forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
}

/** What the plan's own path for a registration also reads (see `PlanCapture.install`). */
interface FullRegisterRequest extends RegisterRequest {
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getImportid(): string;
}

/** The subset of a ReadResourceRequest the plan reads. */
interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}

/** Views a read as a registration with no options, flagged `read`. */
function readRequest(r: ReadRequest): RegisterRequest {
  return {
    read: true,
    getType: () => r.getType(),
    getName: () => r.getName(),
    getParent: () => r.getParent(),
    getCustom: () => true,
    getProtect: () => false,
    getRetainondelete: () => false,
    getDeletebeforereplace: () => false,
    getProvider: () => r.getProvider(),
    getDependenciesList: () => r.getDependenciesList(),
    getIgnorechangesList: () => [],
    getReplaceonchangesList: () => [],
    getAdditionalsecretoutputsList: () => [],
    getAliasesList: () => [],
    getPropertydependenciesMap: () => ({ forEach: () => undefined }),
  };
}

/** How the mock runtime answers what only the cloud would know. */
export interface CaptureOptions {
  /** Answers for the program's invokes. */
  readonly invokes: InvokeAnswers;
  /** What a missing answer's error tells the user to do. */
  readonly invokeHint?: string;
  /** Output names a StackReference offers (as secrets whose value is known after apply). */
  readonly stackReferenceOutputs: readonly string[];
  /**
   * The outputs of referenced stacks, by stack name as the StackReference gives it (e.g. from
   * another plan): a reference to one of these reads its values, as `pulumi preview` reads the
   * referenced stack's state. Other references get {@link stackReferenceOutputs}.
   */
  readonly stackReferences?: Readonly<Record<string, StackOutputs>>;
}

/** A referenced stack's outputs, as a StackReference reads them. */
export interface StackOutputs {
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The names of the outputs that are secrets. Default: none. */
  readonly secretOutputNames?: readonly string[];
}

/** The MockMonitor internals the capture reads. */
interface MonitorInternals {
  registerResource(req: unknown, callback: (err: unknown, res: unknown) => void): Promise<void>;
  readResource(req: unknown, callback: (err: unknown, res: unknown) => void): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
  resources: Map<string, { urn: string; state: unknown }>;
}

/**
 * Installs the SDK's mock runtime in preview mode and records every registration with its
 * options (parent, dependencies, protect, ...). Answers like `pulumi preview`: inputs are
 * echoed as outputs, and outputs only the cloud could know stay unknown.
 */
export class PlanCapture {
  /**
   * What each registration planned, built when it arrives: the request (a protobuf message that
   * holds a serialized copy of the inputs) and the deserialized inputs are not kept, only the
   * masked inputs and the options (bench (d): less to keep alive and collect for big graphs).
   */
  private readonly captured = new Map<string, PlannedResource>();
  private pending: RegisterRequest | undefined;
  /** URNs registered more than once, which `pulumi up` would refuse. */
  readonly duplicates: string[] = [];
  private monitor: MonitorInternals | undefined;

  constructor(private readonly options: CaptureOptions) {}

  /** Sets the SDK's mocks for `project`/`stack` and hooks the monitor the SDK created. */
  async install(project: string, stack: string): Promise<void> {
    await pulumi.runtime.setMocks(
      {
        call: (args) =>
          answerInvoke(args.token, args.inputs, this.options.invokes, this.options.invokeHint),
        newResource: (args) => {
          const request = this.pending;
          this.pending = undefined;
          if (!request) throw new Error("offline plan: a registration arrived without its request");
          return this.newResource(request, args);
        },
      },
      project,
      stack,
      /* preview */ true,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorInternals;
    const register = monitor.registerResource.bind(monitor);
    // MockMonitor calls `mocks.newResource` synchronously, before its first await.
    const read = monitor.readResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      if (this.registerPlain(req as FullRegisterRequest, callback)) return Promise.resolve();
      this.pending = req as RegisterRequest;
      return register(req, callback);
    };
    monitor.readResource = (req, callback) => {
      this.pending = readRequest(req as ReadRequest);
      return read(req, callback);
    };
    this.monitor = monitor;
  }

  /** Records a registration and returns what the mock "cloud" answers (see `stateFor`). */
  private newResource(
    request: RegisterRequest,
    args: { type: string; inputs: Record<string, unknown>; id?: string },
  ): { id: string | undefined; state: Record<string, unknown> } {
    const urn = this.monitor!.newUrn(request.getParent(), request.getType(), request.getName());
    // The engine refuses two resources with one URN; remember it and fail the plan.
    if (this.captured.has(urn)) this.duplicates.push(urn);
    this.captured.set(urn, planned(request, urn, args.inputs));
    // A read (`Resource.get`, StackReference) keeps its id; a new resource's id is unknown.
    const id = request.read ? args.id : undefined;
    const state = stateFor(args.type, args.inputs, this.options);
    // Declared-secret outputs are unknown in a preview, and the SDK drops the secret flag
    // of an unknown: give them a secret placeholder so everything derived prints [secret].
    for (const name of request.getAdditionalsecretoutputsList()) {
      if (!(name in state)) state[name] = secretPlaceholder(`${urn}.${name}`);
    }
    return { id, state };
  }

  /**
   * Answers a registration whose inputs are plain data (no secret, unknown, resource, asset)
   * and whose state is its inputs (no StackReference, no declared-secret outputs), as the SDK's
   * MockMonitor.registerResource would (@pulumi/pulumi 3.248, runtime/mocks.js), without its
   * round trip: it deserializes the inputs, serializes the state again (one promise per
   * property) and builds a new protobuf Struct of it, which for plain data equals the request's
   * own. The answer holds the request's inputs, and the monitor keeps the same state for the
   * run (`resources`). Returns false, having done nothing, for any other registration, which
   * goes through MockMonitor. Bench (d): about a fifth of a big plan's time was that round trip
   * and the garbage it left.
   */
  private registerPlain(
    req: FullRegisterRequest,
    callback: (err: unknown, res: unknown) => void,
  ): boolean {
    const type = req.getType();
    if (type === "pulumi:pulumi:StackReference" || req.getImportid()) return false;
    if (req.getAdditionalsecretoutputsList().length > 0) return false;
    const struct = req.getObject();
    const serialized = struct ? struct.toJavaScript() : {};
    if (!isPlainData(serialized)) return false;
    const monitor = this.monitor!;
    let response: unknown;
    try {
      const inputs = pulumi.runtime.deserializeProperties({
        toJavaScript: () => serialized,
      } as never);
      const { id } = this.newResource(req, { type, inputs });
      const urn = monitor.newUrn(req.getParent(), type, req.getName());
      monitor.resources.set(urn, { urn, id: id ?? null, state: serialized } as never);
      // What the SDK reads of a RegisterResourceResponse (runtime/resource.js); result 0 is
      // SUCCESS, and a mock has no property dependencies to report. The SDK reads the object
      // only through `deserializeProperties`, which calls `toJavaScript` and builds new values:
      // it gets the JavaScript already made instead of converting the Struct a second time.
      response = {
        getUrn: () => urn,
        getId: () => id ?? "",
        getObject: () => ({ toJavaScript: () => serialized }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => 0,
      };
    } catch (err) {
      callback(err, undefined);
      return true;
    }
    callback(null, response);
    return true;
  }

  /** Everything registered so far, masked, sorted by URN. */
  resources(): PlannedResource[] {
    return [...this.captured.values()].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  }

  /** The stack's registered outputs, masked. */
  stackOutputs(): Record<string, unknown> {
    for (const [urn, entry] of this.monitor?.resources ?? []) {
      if (!urn.includes("::pulumi:pulumi:Stack::")) continue;
      const state = entry.state as { toJavaScript?: () => unknown } | undefined;
      if (!state || typeof state.toJavaScript !== "function") return {};
      const outputs = pulumi.runtime.deserializeProperties(state as never);
      return mask(outputs) as Record<string, unknown>;
    }
    return {};
  }
}

/** One registration as the plan shows it: masked inputs (keys sorted) and its options. */
function planned(
  r: RegisterRequest,
  urn: string,
  inputs: Record<string, unknown>,
): PlannedResource {
  const propertyDeps = new Map<string, string[]>();
  r.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDeps.set(key, [...deps.getUrnsList()].sort());
  });
  const masked: Record<string, unknown> = {};
  for (const key of Object.keys(inputs).sort()) {
    masked[key] = mask(inputs[key], propertyDeps.get(key) ?? []);
  }
  return {
    urn,
    type: r.getType(),
    name: r.getName(),
    parent: r.getParent() || null,
    custom: r.getCustom(),
    inputs: masked,
    dependencies: [...new Set(r.getDependenciesList())].sort(),
    protect: r.getProtect(),
    retainOnDelete: r.getRetainondelete(),
    deleteBeforeReplace: r.getDeletebeforereplace(),
    read: r.read === true,
    // `<urn>::<id>`; the id of a provider created in the same run is unknown offline.
    provider: r.getProvider() ? r.getProvider().split("::").slice(0, -1).join("::") : null,
    aliases: r.getAliasesList().map((a) => a.toObject()),
    ignoreChanges: [...r.getIgnorechangesList()],
    replaceOnChanges: [...r.getReplaceonchangesList()],
  };
}

/**
 * What the mock "cloud" returns for a new resource: its inputs (as in a preview), plus what
 * Pulumi itself knows offline (a StackReference's outputs, as secrets).
 */
function stateFor(
  type: string,
  inputs: Record<string, unknown>,
  { stackReferenceOutputs, stackReferences = {} }: CaptureOptions,
): Record<string, unknown> {
  if (type === "pulumi:pulumi:StackReference") {
    const name = String(inputs["name"]);
    const known = Object.hasOwn(stackReferences, name) ? stackReferences[name] : undefined;
    if (known) {
      return {
        name,
        outputs: { ...known.outputs },
        secretOutputNames: [...(known.secretOutputNames ?? [])],
      };
    }
    const outputs = Object.fromEntries(
      stackReferenceOutputs.map((o) => [o, `(known after apply: output "${o}" of stack ${name})`]),
    );
    return { name, outputs, secretOutputNames: [...stackReferenceOutputs] };
  }
  return { ...inputs };
}

/**
 * True if a serialized value (a Struct as JavaScript) is plain data: no special signature
 * (secret, resource reference, asset, output value) and no unknown, which deserialization turns
 * into something else.
 */
function isPlainData(value: unknown): boolean {
  if (typeof value === "string") return value !== pulumi.runtime.unknownValue;
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (pulumi.runtime.specialSigKey in value) return false;
  for (const key in value) {
    if (!isPlainData((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** A secret whose value is only known after apply. */
function secretPlaceholder(source: string): Record<string, unknown> {
  return {
    [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
    value: knownAfterApply(source),
  };
}
