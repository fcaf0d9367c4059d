/** The Causeway project's name (Pulumi.yaml `name`): the second part of every URN. */
export const PROJECT = "causeway";
