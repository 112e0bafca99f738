// The app's entry: which page to show, and the signed-in shell.
import { api, ApiError, el } from "./api.js";
import { changePasswordPage, invitePage, loginPage } from "./auth.js";
import { Grid } from "./grid.js";
import { Live } from "./live.js";

const TABLES = [
  ["investors", "Investors"],
  ["contacts", "Contacts"],
  ["funds", "Funds"],
  ["commitments", "Commitments"],
];

const root = document.getElementById("app");

async function boot() {
  if (location.pathname === "/accept-invite") {
    root.replaceChildren(invitePage(() => { location.href = "/"; }));
    return;
  }
  let me;
  try {
    me = (await api("GET", "/api/auth/me")).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      root.replaceChildren(loginPage(() => boot()));
      return;
    }
    root.replaceChildren(el("p", { class: "state error", role: "alert" }, error.message || "The CRM cannot be reached."));
    return;
  }
  if (me.must_change_password) {
    root.replaceChildren(changePasswordPage(() => boot()));
    return;
  }
  shell(me);
}

function shell(me) {
  const table = new URLSearchParams(location.hash.slice(1)).get("table") || "investors";
  const main = el("main", { id: "main" });
  const tabs = el("nav", { class: "tabs", "aria-label": "Tables" },
    TABLES.map(([key, label]) => el("a", {
      href: `#table=${key}`, class: key === table ? "tab active" : "tab", "aria-current": key === table ? "page" : null,
    }, label)));
  const signOut = el("button", {
    type: "button", class: "link", onclick: async () => {
      try { await api("POST", "/api/auth/logout"); } finally { location.href = "/"; }
    },
  }, "Sign out");
  const offline = el("span", { class: "offline", hidden: true, role: "status" }, "Offline — edits are kept and sent when the connection returns");
  const header = el("header", { class: "topbar" },
    el("strong", { class: "brand" }, "Venture CRM"), tabs, offline,
    el("span", { class: "who", id: "who" }, `Signed in as ${me.name} (${me.role})`), signOut);
  root.replaceChildren(header, main);
  const grid = new Grid(main, table, me);
  const live = new Live((event) => grid.onEvent(event), (connected) => { offline.hidden = connected; });
  window.addEventListener("online", () => grid.retryPending());
  window.addEventListener("hashchange", () => { live.close(); grid.destroy(); shell(me); }, { once: true });
  grid.load();
}

boot();
