// The component tests import the renderer by this path; everything else imports it from
// @causeway/plan, and so should they once they move.
export { renderText } from "@causeway/plan";
