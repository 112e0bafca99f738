// The activity feed: who changed what, backups, restores and imports, newest first.
import { api, el } from "./api.js";

export async function activityPage(container, names) {
  const list = el("ol", { class: "activity" });
  const more = el("button", { type: "button", hidden: true }, "Show more");
  container.replaceChildren(el("div", { class: "admin" }, el("h1", {}, "Activity"), list, more));
  let cursor = null;
  const load = async () => {
    try {
      const page = await api("GET", `/api/activity?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      for (const item of page.activity) {
        const who = names.get(item.user_id) || (item.user_id ? `User #${item.user_id}` : "The CRM");
        const what = item.type === "audit"
          ? `${item.action} ${item.table || ""} #${item.record_id ?? ""}${item.field ? ` · ${item.field}: ${JSON.stringify(item.old ?? null)} → ${JSON.stringify(item.new ?? null)}` : ""}`
          : `${item.type}: ${item.action}`;
        list.append(el("li", {}, el("time", { datetime: item.at }, new Date(item.at).toLocaleString()), " ", el("strong", {}, who), " ", what));
      }
      if (!page.activity.length && !list.children.length) list.append(el("li", { class: "hint" }, "Nothing has happened yet."));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      list.append(el("li", { class: "state error", role: "alert" }, error.message));
    }
  };
  more.addEventListener("click", load);
  await load();
}
