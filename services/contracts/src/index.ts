// Public API of @causeway/contracts: the admission contract, the versioned event schemas and
// the HTTP shapes.
export {
  CURRENCIES,
  Limits,
  TEXT_PATTERN,
  TEXT_REGEXP,
  admissionProblems,
  boundedTextPattern,
  isCurrency,
  orderTotalCents,
} from "./admission";
export type { AdmissionItem } from "./admission";
export {
  Cents,
  Currency,
  Events,
  OrderItem,
  OrderPlacedV1,
  PaymentFailedV1,
  PaymentFailureReasons,
  PaymentSucceededV1,
  eventJsonSchemas,
  orderPlaced,
  paymentFailed,
  paymentSucceeded,
} from "./events";
export { OrderStatuses, createOrderBodySchema, orderIdParamsSchema } from "./http";
export type { CreateOrderBody, OrderStatus, OrderView } from "./http";
