import { KitErrors, defineErrors } from "@causeway/kit";

/** The orders service's error catalogue: the kit's codes plus its own. */
export const OrdersErrors = {
  ...KitErrors,
  ORDER_NOT_FOUND: { status: 404, message: "No order with this id." },
} as const;

export const ordersError = defineErrors(OrdersErrors);
