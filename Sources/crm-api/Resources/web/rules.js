// The field and filter rules as the server enforces them (GET /api/rules): which operators a
// filter on each kind of field takes, which fields are read-only or numeric, relative dates, the
// limits. Read once after sign-in, before anything is drawn, so the page never offers what the
// server would refuse.
let current = null;

export function setRules(rules) { current = rules; }

export function rules() {
  if (!current) throw new Error("The field rules have not been loaded.");
  return current;
}
