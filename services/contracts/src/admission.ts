/**
 * The admission contract: every limit an order must meet, in one place. The HTTP schema
 * (`http.ts`), the event schema (`events.ts`) and the database constraints of orders
 * (`services/orders/migrations/0002-admission.sql`, checked against these numbers by its test)
 * are all derived from or checked against this table, so an input the public API accepts is an
 * input every later stage accepts too: no accepted request is answered with a 5xx.
 */

/** Inclusive bounds. Lengths count Unicode code points, as JSON Schema and PostgreSQL do. */
export const Limits = {
  customerId: { minLength: 1, maxLength: 128 },
  sku: { minLength: 1, maxLength: 64 },
  quantity: { minimum: 1, maximum: 1000 },
  /** A free line (gift wrap) is fine; the order total must still be above 0 (`amountCents`). */
  unitPriceCents: { minimum: 0, maximum: 10_000_000 },
  items: { minItems: 1, maxItems: 100 },
  /** The order total (sum of quantity x unitPriceCents): above 0 and at most 1,000,000.00. */
  amountCents: { minimum: 1, maximum: 100_000_000 },
} as const;

/**
 * Text the services accept: no NUL (PostgreSQL `text` cannot hold it) and valid Unicode only
 * (no unpaired UTF-16 surrogate: `jsonb` refuses it and the UTF-8 encoder would rewrite it to
 * U+FFFD). With the `u` flag, `[\uD800-\uDFFF]` matches only a lone surrogate, so characters
 * outside the BMP (paired surrogates) are accepted. Refused, never rewritten.
 */
export const TEXT_PATTERN = "^[^\\u0000\\uD800-\\uDFFF]*$";
export const TEXT_REGEXP = new RegExp(TEXT_PATTERN, "u");

/** A length-bounded text pattern: `{min,max}` counts code points under the `u` flag. */
export function boundedTextPattern(minLength: number, maxLength: number): string {
  return `^[^\\u0000\\uD800-\\uDFFF]{${minLength},${maxLength}}$`;
}

/**
 * The currencies orders accept: the platform's ISO 4217 list (ICU/CLDR data of the pinned Node
 * 24, `Intl.supportedValuesOf('currency')`, ECMA-402 since ES2022: https://tc39.es/ecma402/
 * #sec-intl.supportedvaluesof). It is refreshed with every Node release, carries no test, fund
 * or metal codes (XTS, XXX, XAU are absent) and no invented ones (XYZ is absent). Computed once
 * at load, sorted, so every service of one image agrees.
 */
export const CURRENCIES: readonly string[] = Object.freeze(
  [...Intl.supportedValuesOf("currency")].filter((c) => /^[A-Z]{3}$/.test(c)).sort(),
);
const CURRENCY_SET: ReadonlySet<string> = new Set(CURRENCIES);

export function isCurrency(code: string): boolean {
  return CURRENCY_SET.has(code);
}

/** A line of an order, as the admission check reads it. */
export interface AdmissionItem {
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** The order total in cents. Exact: every term is below 2^53 within the limits. */
export function orderTotalCents(items: readonly AdmissionItem[]): number {
  return items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0);
}

/**
 * The rules a JSON Schema cannot state (the total is a sum over items). Returns the problems,
 * each naming the field, the rule and the fix; empty when the order is admissible.
 */
export function admissionProblems(body: { readonly items: readonly AdmissionItem[] }): string[] {
  const total = orderTotalCents(body.items);
  const { minimum, maximum } = Limits.amountCents;
  if (total > maximum) {
    return [
      `items: the order total is ${total} cents, above the cap of ${maximum} cents; ` +
        "split the order or lower the quantities",
    ];
  }
  if (total < minimum) {
    return [
      `items: the order total is ${total} cents; it must be at least ${minimum} cent ` +
        "(at least one line with a price above 0)",
    ];
  }
  return [];
}
