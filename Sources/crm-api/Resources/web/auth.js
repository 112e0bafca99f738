// Sign-in, accept-invite and first-password pages.
import { api, el } from "./api.js";

function field(label, attributes) {
  const id = `f-${attributes.name}`;
  return el("div", { class: "field" }, el("label", { for: id }, label), el("input", { id, required: true, ...attributes }));
}

function form(title, fields, submitLabel, onSubmit, extra) {
  const message = el("p", { class: "form-error", role: "alert", hidden: true });
  const button = el("button", { type: "submit", class: "primary" }, submitLabel);
  const node = el("form", {
    class: "card", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      message.hidden = true;
      button.disabled = true;
      const values = Object.fromEntries(new FormData(node).entries());
      try {
        await onSubmit(values);
      } catch (error) {
        message.textContent = error.message || "That did not work; please try again.";
        message.hidden = false;
      } finally {
        button.disabled = false;
      }
    },
  }, el("h1", {}, title), fields, message, button, extra);
  return el("div", { class: "centered" }, node);
}

export function loginPage(onSignedIn) {
  return form("Sign in to Venture CRM", [
    field("Email", { name: "email", type: "email", autocomplete: "username", autofocus: true }),
    field("Password", { name: "password", type: "password", autocomplete: "current-password" }),
  ], "Sign in", async ({ email, password }) => {
    await api("POST", "/api/auth/login", { email, password });
    onSignedIn();
  }, el("p", { class: "hint" }, "Accounts are by invitation: ask an admin of your team for one."));
}

export function invitePage(onAccepted) {
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  if (!token) return el("p", { class: "state error", role: "alert" }, "This invitation link is incomplete: open the whole link from the email.");
  return form("Join Venture CRM", [
    field("Your name", { name: "name", autocomplete: "name", autofocus: true }),
    field("Choose a password", { name: "password", type: "password", autocomplete: "new-password", minlength: 12 }),
  ], "Create my account", async ({ name, password }) => {
    await api("POST", "/api/auth/accept-invite", { token, name, password });
    onAccepted();
  }, el("p", { class: "hint" }, "At least 12 characters; a few unrelated words make a good one."));
}

export function changePasswordPage(onChanged) {
  return form("Choose your own password", [
    field("Current (one-time) password", { name: "current_password", type: "password", autocomplete: "current-password", autofocus: true }),
    field("New password", { name: "new_password", type: "password", autocomplete: "new-password", minlength: 12 }),
  ], "Save password", async (values) => {
    await api("POST", "/api/auth/password", values);
    onChanged();
  });
}

/**
 * The session ended while the app was open (it expired, or the password was changed elsewhere):
 * signing in again over the page keeps everything on it, pending edits included.
 */
export function signInAgainDialog(me, onSignedIn) {
  const page = form("Your session has ended", [
    el("p", { class: "hint" }, "Sign in again to carry on. Your edits are kept and sent once you are back."),
    field("Email", { name: "email", type: "email", autocomplete: "username", value: me.email, readonly: true }),
    field("Password", { name: "password", type: "password", autocomplete: "current-password" }),
  ], "Sign in", async ({ password }) => {
    const { user } = await api("POST", "/api/auth/login", { email: me.email, password });
    onSignedIn(user);
  }, el("a", { href: "/", class: "link" }, "Sign in as someone else"));
  page.className = "backdrop";
  const card = page.firstChild;
  card.setAttribute("role", "dialog");
  card.setAttribute("aria-modal", "true");
  card.setAttribute("aria-label", "Your session has ended");
  card.classList.add("session-ended");
  return page;
}
