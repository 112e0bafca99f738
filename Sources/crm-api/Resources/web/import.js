// The import wizard: choose a table and an Airtable CSV export, see the plan (columns and how
// they map, the rows that would change with old → new, every problem with its line), adjust the
// mapping and options, then import — with progress for large files.
import { ApiError, OfflineError, api, el } from "./api.js";
import { TABLES } from "./tables.js";


/** Sends the form; follows a large file's job until it ends. Resolves with the plan. */
async function upload(form, onProgress) {
  let response;
  try {
    response = await fetch("/api/import/csv", { method: "POST", body: form, credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    throw new OfflineError();
  }
  const body = await response.json().catch(() => null);
  if (response.status === 202) {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const job = await api("GET", `/api/import/jobs/${body.job_id}`);
      if (job.progress) onProgress(job.progress);
      if (job.plan) return job.plan;
      if (job.error && job.error.columns) return { ...job.error, dry_run: true };
      if (job.error) throw new ApiError(400, job.error);
    }
  }
  // A plan with problems commits nothing: shown as a plan to fix.
  if (response.status === 422 && body && body.columns) return { ...body, dry_run: true };
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function show(value) {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (Array.isArray(value)) return value.map(String).join(", ");
  return String(value);
}

export function importPage(container, into) {
  const table = el("select", { class: "import-table", "aria-label": "Import into" },
    TABLES.map(([value, label]) => el("option", { value, selected: value === into }, label)));
  const file = el("input", { type: "file", class: "import-file", accept: ".csv,text/csv", "aria-label": "CSV file" });
  const createFields = el("input", { type: "checkbox", id: "import-create-fields" });
  const skipInvalid = el("input", { type: "checkbox", id: "import-skip-invalid" });
  const archiveMissing = el("input", { type: "checkbox", id: "import-archive-missing" });
  const status = el("p", { class: "import-status", role: "status" });
  const plan = el("div", { class: "import-plan" });
  let mapping = {}, dateOrders = {};
  let fields = [];

  const form = (dryRun) => {
    const data = new FormData();
    data.append("table", table.value);
    data.append("dry_run", dryRun ? "true" : "false");
    if (createFields.checked) data.append("create_fields", "true");
    if (skipInvalid.checked) data.append("skip_invalid_rows", "true");
    if (archiveMissing.checked) data.append("archive_missing", "true");
    if (Object.keys(mapping).length) data.append("mapping", JSON.stringify(mapping));
    if (Object.keys(dateOrders).length) data.append("date_orders", JSON.stringify(dateOrders));
    data.append("file", file.files[0]);
    return data;
  };

  const run = async (dryRun) => {
    if (!file.files.length) { status.textContent = "Choose the CSV file Airtable exported (Download CSV)."; return; }
    status.textContent = dryRun ? "Reading the file…" : "Importing…";
    try {
      fields = (await api("GET", `/api/tables/${table.value}/fields`)).fields;
      const result = await upload(form(dryRun), (progress) => {
        const share = progress.total_bytes ? Math.round((100 * progress.bytes_read) / progress.total_bytes) : 0;
        status.textContent = `${progress.phase === "writing" ? "Importing" : "Reading"}… ${share}% (${progress.records.toLocaleString()} records)`;
      });
      render(result);
      status.textContent = result.dry_run
        ? (!result.error_count ? "This is what the import will do."
          : skipInvalid.checked ? "Rows with problems will be left out; the rest can be imported."
            : "The file has problems: fix them or change the options, then check again.")
        : `Imported: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged${result.archived ? `, ${result.archived} archived` : ""}.`;
    } catch (error) {
      status.textContent = error.message;
    }
  };

  const render = (result) => {
    const counts = el("ul", { class: "counts" },
      el("li", {}, `${result.created} to create`), el("li", {}, `${result.updated} to update`), el("li", {}, `${result.unchanged} unchanged`),
      result.archived ? el("li", {}, `${result.archived} to archive`) : null,
      result.blank_rows ? el("li", {}, `${result.blank_rows} blank rows passed over`) : null,
      result.error_count ? el("li", { class: "problem" }, `${result.error_count} problem${result.error_count === 1 ? "" : "s"}`) : null);
    const columns = el("table", { class: "admin-table columns" },
      el("thead", {}, el("tr", {}, el("th", {}, "Column in the file"), el("th", {}, "Goes to"), el("th", {}, "Note"))),
      el("tbody", {}, (result.columns || []).map((column) => el("tr", {},
        el("td", {}, column.header),
        el("td", {}, el("select", { "aria-label": `Field for ${column.header}`, onchange: (event) => {
          mapping[column.header] = event.target.value === "" ? null : event.target.value;
        } },
          el("option", { value: "", selected: column.action === "skip" }, "— skip —"),
          fields.filter((f) => !["formula", "created_time", "last_modified_time", "last_modified_by"].includes(f.type))
            .map((f) => el("option", { value: f.key, selected: column.field === f.key }, f.label)),
          column.action === "create" ? el("option", { value: column.field || "", selected: true }, `new field: ${column.header}`) : null)),
        el("td", {}, column.note || (column.action === "record_id" ? "Airtable record id: used to match records" : ""),
          column.date_order ? ` (dates read ${column.date_order.replace("_", " ")})` : "")))));
    const ambiguous = (result.errors || []).filter((problem) => problem.line === 1 && problem.column && /date/i.test(problem.message));
    const orders = ambiguous.map((problem) => el("p", {}, `${problem.column}: `,
      el("select", { "aria-label": `Date order of ${problem.column}`, onchange: (event) => { dateOrders[problem.column] = event.target.value; } },
        el("option", { value: "" }, "choose…"), el("option", { value: "day_first" }, "day first (31/12/2026)"),
        el("option", { value: "month_first" }, "month first (12/31/2026)"))));
    const problems = (result.errors || []).length ? el("ol", { class: "problems" }, result.errors.slice(0, 200).map((problem) =>
      el("li", {}, `Line ${problem.line}${problem.column ? `, ${problem.column}` : ""}: ${problem.message}`))) : null;
    const rows = (result.rows || []).length ? el("table", { class: "admin-table rows" },
      el("thead", {}, el("tr", {}, el("th", {}, "Line"), el("th", {}, "Action"), el("th", {}, "Changes"))),
      el("tbody", {}, result.rows.map((row) => el("tr", {},
        el("td", {}, String(row.line)), el("td", {}, row.action),
        el("td", {}, Object.entries(row.changes || {}).map(([key, change]) => {
          const label = fields.find((f) => f.key === key)?.label || key;
          return el("div", {}, `${label}: `, row.action === "create" ? show(change.new) : `${show(change.old)} → ${show(change.new)}`);
        })))))) : null;
    // Problems with the file as a whole (its header, its columns) stop the import: they come first.
    const blocking = (result.errors || []).filter((problem) => problem.line === 1);
    const alert = blocking.length ? el("div", { class: "notice blocking", role: "alert" },
      el("strong", {}, blocking.length === 1 ? "Before this file can be imported:" : "Before this file can be imported, fix these:"),
      el("ul", {}, blocking.map((problem) => el("li", {}, `${problem.column ? `${problem.column}: ` : ""}${problem.message}`)))) : null;
    const nothing = result.dry_run && !result.created && !result.updated && !result.archived;
    const commit = result.dry_run ? el("button", { type: "button", class: "primary commit-import",
      disabled: nothing || (Boolean(result.error_count) && !skipInvalid.checked), onclick: () => run(false) }, "Import")
      : el("a", { href: `#table=${table.value}` }, "Open the table");
    const idle = nothing && !blocking.length ? el("p", { class: "hint nothing-to-import" },
      "Nothing would change: the CRM already holds every row of this file as it is.") : null;
    plan.replaceChildren(...[el("h2", {}, result.dry_run ? "The plan" : "Done"), alert, counts, commit, idle,
      orders.length ? el("div", {}, el("h3", {}, "Dates that read both ways"), orders) : null,
      el("h3", {}, "Columns"), columns, problems ? el("h3", {}, "Problems") : null, problems,
      rows ? el("h3", {}, result.dry_run ? "Rows that would change" : "Rows that changed") : null, rows].filter(Boolean));
  };

  const reset = () => { mapping = {}; dateOrders = {}; plan.replaceChildren(); status.textContent = ""; };
  table.addEventListener("change", reset);
  file.addEventListener("change", reset);
  container.replaceChildren(el("div", { class: "admin import" },
    el("h1", {}, "Import from Airtable"),
    el("p", { class: "hint" }, "In Airtable, open the view and use Download CSV. Importing the same file twice changes nothing."),
    el("div", { class: "row" }, table, file),
    el("div", { class: "row" },
      el("label", { for: "import-create-fields" }, createFields, " create fields for columns the CRM does not have"),
      el("label", { for: "import-skip-invalid" }, skipInvalid, " import the valid rows and list the rest"),
      el("label", { for: "import-archive-missing" }, archiveMissing, " archive records missing from the file")),
    el("button", { type: "button", class: "check-import", onclick: () => run(true) }, "Check the file"),
    status, plan));
}
