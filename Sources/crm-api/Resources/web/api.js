// Talking to crm-api: JSON in and out, errors as ApiError with the server's sentence.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.code = body && body.error;
    this.body = body || {};
  }
}

/** The server's sentence with the per-field sentences of its details, for showing to people. */
export function explain(error) {
  const details = error && error.body && error.body.details;
  const extra = details && typeof details === "object" ? Object.values(details).filter((value) => typeof value === "string") : [];
  return [error.message, ...extra].join(" ");
}

/**
 * Whether a failed request may go through if sent again unchanged: the browser is offline, the
 * session ended (the app asks to sign in again), or the server is busy, limiting or failing.
 */
export function isTransient(error) {
  if (!(error instanceof ApiError)) return true;
  return [401, 408, 429].includes(error.status) || error.status >= 500;
}

let sessionLost = null;

/** Called whenever a request finds the session gone (a 401 outside sign-in itself). */
export function onSessionLost(handler) { sessionLost = handler; }

/** No answer at all: the browser is offline, or the CRM is down or restarting. */
export class OfflineError extends Error {
  constructor() {
    super("The CRM cannot be reached: check the connection, or wait a moment if it is restarting.");
  }
}

/** Calls the API; resolves to the parsed body, rejects with ApiError (or OfflineError). */
export async function api(method, path, body) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new OfflineError();
  }
  const text = await response.text();
  let parsed = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  if (response.status === 401 && sessionLost && !path.startsWith("/api/auth/")) sessionLost();
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** Builds a DOM element: el("div", {class: "x", onclick: f}, child, "text"). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    // Through the CSSOM: the CSP refuses inline style attributes.
    else if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/**
 * Shows a modal dialog (its backdrop) over the app: the page behind takes no focus, keys or clicks
 * until the returned function closes it.
 */
export function showModal(backdrop) {
  const app = document.getElementById("app");
  document.body.append(backdrop);
  if (app) app.inert = true;
  return () => {
    backdrop.remove();
    if (app && !document.querySelector("body > .backdrop")) app.inert = false;
  };
}

/** What shows in place of a page that could not load: the reason and "Try again" (and, when
 * `retrying`, that it also tries again by itself). */
export function errorState(message, retry, { retrying = false, className = "" } = {}) {
  return el("div", { class: `state error ${className}`.trim(), role: "alert" },
    el("p", {}, message),
    retrying ? el("p", { class: "hint" }, "Trying again every few seconds…") : null,
    el("button", { type: "button", onclick: retry }, "Try again"));
}
