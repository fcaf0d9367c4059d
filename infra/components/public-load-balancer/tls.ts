/**
 * TLS security policies the HTTPS listener may use: TLS 1.3 policies only, each with TLS 1.2 as
 * the oldest protocol and no CBC or SHA-1 cipher suites. The "Ext" policies (which add legacy
 * ciphers for old clients) are left out on purpose.
 * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const TLS_POLICIES = [
  /** TLS 1.3 and 1.2, AWS's recommended policy: the default. */
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  /** TLS 1.3 and 1.2, restricted to AEAD ciphers with forward secrecy. */
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  /** As Res-2021-06, plus hybrid post-quantum key exchange (ML-KEM). */
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  /** TLS 1.3 only. */
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  /** FIPS 140-3 validated cryptography, TLS 1.3 and 1.2. */
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  /** FIPS, with hybrid post-quantum key exchange. */
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  /** FIPS, TLS 1.3 only. */
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
] as const;

export type TlsPolicy = (typeof TLS_POLICIES)[number];

/** The HTTPS listener's policy unless configured otherwise. */
export const DEFAULT_TLS_POLICY: TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export function isAllowedTlsPolicy(policy: string): policy is TlsPolicy {
  return (TLS_POLICIES as readonly string[]).includes(policy);
}
