import type { z } from "zod";
import { brokerSection } from "./broker";
import { cacheSection } from "./cache";
import { clusterSection } from "./cluster";
import { consulSection } from "./consul";
import { databaseSection } from "./database";
import { edgeSection } from "./edge";
import { environmentSection } from "./environment";
import { imagesSection } from "./images";
import { metricsSection } from "./metrics";
import { networkSection } from "./network";
import { observabilitySection } from "./observability";
import type { Section } from "./section";
import { servicesSection } from "./services";

export { mergeDefaults, type CheckContext, type Section } from "./section";

/** The `causeway:*` keys, in the order the README documents them and the loader checks them. */
export const sections = {
  environment: environmentSection,
  cluster: clusterSection,
  network: networkSection,
  services: servicesSection,
  consul: consulSection,
  edge: edgeSection,
  broker: brokerSection,
  database: databaseSection,
  cache: cacheSection,
  images: imagesSection,
  metrics: metricsSection,
  observability: observabilitySection,
} satisfies Record<string, Section>;

export type SectionKey = keyof typeof sections;
export const sectionKeys = Object.keys(sections) as SectionKey[];

/** Each section's value as its schema outputs it (tier defaults applied, before secrets). */
export type SectionValues = {
  readonly [K in SectionKey]: z.output<(typeof sections)[K]["schema"]>;
};
