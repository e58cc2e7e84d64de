// Moving in: a CSV export of another platform (DIKIDI, Altegio/YCLIENTS, Fresha or any other) read in
// the browser, its columns mapped with a preview of the first rows, a dry run that lists every row the
// import would refuse and why, then the import itself: the rows go in chunks, the job worker writes
// them, and this screen follows its progress to the final report. Importing the same file again
// changes nothing; imported visits send no message; a consent comes only from a column that states it.
import { useEffect } from "preact/hooks";
import { useSignal } from "@preact/signals";
import { api, explain, ok, type Schemas } from "../../api/client";
import { Field, FormError, Scroll } from "../../components/ui";
import { has, number, t, when, type Key } from "../../i18n";
import { useLoad } from "../../lib/load";
import { may } from "../../state";
import { SetupCard } from "./SetupCard";
import { chunks, decode, guess, missing, parse, project, recognise, type Kind, type Preset, type Sheet } from "./csv";

type Reject = Schemas["RejectOut"];
type Run = Schemas["ImportOut"];
const PREVIEW_ROWS = 5;
const POLL_MS = 1000;
const PATIENCE_MS = 120_000; // no progress for this long: stop watching (the worker goes on; the run is listed)

interface Checked {
  accepted: number;
  known: number;
  fresh: number;
  rejects: Reject[];
}

const fieldLabel = (f: string) => (has(`import.field.${f}`) ? t(`import.field.${f}` as Key) : f);
const why = (code: string) => (has(`import.code.${code}`) ? t(`import.code.${code}` as Key) : t("import.code.other", { code }));

export function ImportScreen() {
  const { value: setup, problem: setupProblem } = useLoad(() => ok(api.GET("/v1/admin/imports/presets")));
  const { value: recent, reload: reloadRecent } = useLoad(() => ok(api.GET("/v1/admin/imports")));
  const fileName = useSignal("");
  const sheet = useSignal<Sheet | null>(null);
  const kind = useSignal<Kind>("clients");
  const presetId = useSignal("");
  const dayFirst = useSignal(true);
  const mapping = useSignal<Record<string, string>>({});
  const fileError = useSignal("");
  const mapError = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal<"" | "checking" | "sending" | "running">("");
  const checkedRows = useSignal(0);
  const checked = useSignal<Checked | null>(null);
  const run = useSignal<Run | null>(null);
  const sent = useSignal(0);

  const presets = (setup.value?.presets ?? []) as Preset[];
  const fields = setup.value?.fields[kind.value] ?? [];
  const chunkRows = setup.value?.chunk_rows ?? 200;

  function remap(k: Kind, p: Preset | undefined) {
    kind.value = k;
    presetId.value = p?.id ?? "";
    if (p) dayFirst.value = p.day_first;
    mapping.value = sheet.value ? guess(setup.value?.fields[k] ?? [], sheet.value.header, p) : {};
    forget();
  }

  function forget() {
    checked.value = null;
    run.value = null;
    problem.value = "";
    mapError.value = {};
  }

  async function pick(file: File | undefined) {
    fileError.value = "";
    sheet.value = null;
    forget();
    if (!file) return;
    fileName.value = file.name;
    const read = parse(decode(await file.arrayBuffer()));
    if (read.header.length === 0 || read.rows.length === 0) {
      fileError.value = t("import.err.empty");
      return;
    }
    sheet.value = read;
    const p = recognise(presets, read.header);
    remap(p?.kind ?? kind.value, p);
  }

  // A file picked before the presets arrived (a slow connection) is recognised once they are here.
  useEffect(() => {
    if (setup.value && sheet.value && !presetId.value) {
      const p = recognise(setup.value.presets as Preset[], sheet.value.header);
      remap(p?.kind ?? kind.value, p);
    }
  }, [setup.value]);

  /** What is sent: the mapped columns only (see ``project``). */
  function sent_(): Sheet {
    return project(sheet.value ?? { header: [], rows: [] }, mapping.value);
  }

  function reading(header: string[]) {
    return { kind: kind.value, header, mapping: mapping.value, day_first: dayFirst.value };
  }

  function mappingOk(): boolean {
    const lacks = missing(kind.value, mapping.value);
    mapError.value = Object.fromEntries(lacks.map((f) => [f, t("import.err.unmapped", { field: fieldLabel(f) })]));
    return lacks.length === 0;
  }

  async function check() {
    if (!sheet.value || !mappingOk()) return;
    forget();
    busy.value = "checking";
    checkedRows.value = 0;
    const out: Checked = { accepted: 0, known: 0, fresh: 0, rejects: [] };
    const file = sent_();
    try {
      for (const c of chunks(file.rows, chunkRows)) {
        const answer = await ok(api.POST("/v1/admin/imports/check", { body: { ...reading(file.header), first_row: c.firstRow, rows: c.rows } }));
        out.accepted += answer.accepted;
        out.known += answer.known_clients;
        out.fresh += answer.new_clients;
        out.rejects.push(...answer.rejects);
        checkedRows.value += c.rows.length;
      }
      checked.value = out;
    } catch (err) {
      problem.value = explain(err);
    } finally {
      busy.value = "";
    }
  }

  async function start() {
    if (!sheet.value || !mappingOk()) return;
    problem.value = "";
    busy.value = "sending";
    sent.value = 0;
    const file = sent_();
    try {
      const made = await ok(
        api.POST("/v1/admin/imports", {
          body: { ...reading(file.header), preset: presetId.value || null, file_name: fileName.value || "import.csv", rows: sheet.value.rows.length },
        }),
      );
      run.value = made;
      for (const c of chunks(file.rows, chunkRows)) {
        await ok(
          api.PUT("/v1/admin/imports/{import_id}/chunks/{chunk}", {
            params: { path: { import_id: made.id, chunk: c.n } },
            body: { first_row: c.firstRow, rows: c.rows },
          }),
        );
        sent.value += 1;
      }
      busy.value = "running";
      let now = made;
      let moved = Date.now();
      while (now.status !== "done") {
        await new Promise((r) => setTimeout(r, POLL_MS));
        const before = now.rows_done;
        now = await ok(api.GET("/v1/admin/imports/{import_id}", { params: { path: { import_id: made.id } } }));
        run.value = now;
        if (now.rows_done !== before) moved = Date.now();
        else if (Date.now() - moved > PATIENCE_MS) {
          problem.value = t("import.run.stalled");
          break;
        }
      }
      await reloadRecent();
    } catch (err) {
      problem.value = explain(err);
    } finally {
      busy.value = "";
    }
  }

  const s = sheet.value;
  const shownPresets = presets.filter((p) => p.kind === kind.value);
  const mapped = fields.filter((f) => mapping.value[f]);
  const r = run.value;
  return (
    <section class="import" aria-labelledby="import-title">
      <h1 id="import-title">{t("import.movingIn")}</h1>
      {may("salon.update") && <SetupCard imports={recent.value?.imports.filter((i) => i.status === "done").length ?? 0} />}
      <h2 id="import-section">{t("import.title")}</h2>
      <p class="muted">{t("import.lead")}</p>
      <FormError text={setupProblem.value} />

      <section class="card" aria-labelledby="import-file-title">
        <h2 id="import-file-title">{t("import.file.title")}</h2>
        <div class="row">
          <Field label={t("import.file.pick")} hint={t("import.file.hint")} error={fileError.value}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="file"
                type="file"
                accept=".csv,text/csv,text/plain"
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                disabled={busy.value !== ""}
                onChange={(e) => void pick(e.currentTarget.files?.[0])}
              />
            )}
          </Field>
          <Field label={t("import.kind")}>
            {({ id }) => (
              <select id={id} name="kind" value={kind.value} disabled={busy.value !== ""} onChange={(e) => remap(e.currentTarget.value as Kind, undefined)}>
                <option value="clients">{t("import.kind.clients")}</option>
                <option value="visits">{t("import.kind.visits")}</option>
              </select>
            )}
          </Field>
          <Field label={t("import.preset")} hint={t("import.preset.hint")}>
            {({ id, describedBy }) => (
              <select
                id={id}
                name="preset"
                aria-describedby={describedBy}
                value={presetId.value}
                disabled={busy.value !== ""}
                onChange={(e) => remap(kind.value, presets.find((p) => p.id === e.currentTarget.value))}
              >
                <option value="">{t("import.preset.own")}</option>
                {shownPresets.map((p) => (
                  <option value={p.id}>{p.platform}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("import.dates")}>
            {({ id }) => (
              <select
                id={id}
                name="day_first"
                value={dayFirst.value ? "1" : "0"}
                disabled={busy.value !== ""}
                onChange={(e) => {
                  dayFirst.value = e.currentTarget.value === "1";
                  forget();
                }}
              >
                <option value="1">{t("import.dates.dayFirst")}</option>
                <option value="0">{t("import.dates.monthFirst")}</option>
              </select>
            )}
          </Field>
        </div>
        {s && <p id="import-size">{t("import.file.size", { name: fileName.value, rows: s.rows.length, columns: s.header.length })}</p>}
      </section>

      {s && (
        <section class="card" aria-labelledby="import-map-title">
          <h2 id="import-map-title">{t("import.map.title")}</h2>
          <p class="muted">{t("import.map.lead")}</p>
          <div class="import-map" id="import-mapping">
            {fields.map((f) => (
              <Field label={fieldLabel(f)} error={mapError.value[f]}>
                {({ id, describedBy, invalid }) => (
                  <select
                    id={id}
                    name={`map-${f}`}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    value={mapping.value[f] ?? ""}
                    disabled={busy.value !== ""}
                    onChange={(e) => {
                      const column = e.currentTarget.value;
                      const next = Object.fromEntries(Object.entries(mapping.value).filter(([k, v]) => k !== f && v !== column));
                      mapping.value = column ? { ...next, [f]: column } : next;
                      forget();
                    }}
                  >
                    <option value="">{t("import.map.none")}</option>
                    {s.header.map((h) => (
                      <option value={h}>{h}</option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
          </div>
          {mapping.value.marketing_consent === undefined && kind.value === "clients" && <p class="hint">{t("import.map.noConsent")}</p>}
          <h3 id="import-preview-title">{t("import.preview.title", { count: Math.min(PREVIEW_ROWS, s.rows.length) })}</h3>
          <Scroll labelledBy="import-preview-title">
            <table id="import-preview">
              <thead>
                <tr>
                  <th scope="col">{t("import.row")}</th>
                  {mapped.map((f) => (
                    <th scope="col">{fieldLabel(f)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {s.rows.slice(0, PREVIEW_ROWS).map((row, i) => (
                  <tr>
                    <td class="num">{i + 2}</td>
                    {mapped.map((f) => (
                      <td>{row[s.header.indexOf(mapping.value[f])] ?? ""}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          <div class="actions">
            <button type="button" id="import-check" class="secondary" disabled={busy.value !== ""} onClick={() => void check()}>
              {busy.value === "checking" ? t("import.check.working", { done: checkedRows.value, rows: s.rows.length }) : t("import.check")}
            </button>
            <button type="button" id="import-start" disabled={busy.value !== "" || r?.status === "done"} onClick={() => void start()}>
              {t("import.start", { rows: s.rows.length })}
            </button>
          </div>
          {!r && <FormError text={problem.value} />}
        </section>
      )}

      {checked.value && (
        <section class="card" aria-labelledby="import-check-title" id="import-report">
          <h2 id="import-check-title">{t("import.check.title")}</h2>
          <dl class="facts">
            <dt>{t("import.check.accepted")}</dt>
            <dd id="import-accepted">{number(checked.value.accepted)}</dd>
            {kind.value === "clients" && (
              <>
                <dt>{t("import.check.new")}</dt>
                <dd id="import-new">{number(checked.value.fresh)}</dd>
                <dt>{t("import.check.known")}</dt>
                <dd id="import-known">{number(checked.value.known)}</dd>
              </>
            )}
            <dt>{t("import.check.rejected")}</dt>
            <dd id="import-rejected">{number(checked.value.rejects.length)}</dd>
          </dl>
          {checked.value.rejects.length === 0 ? (
            <p>{t("import.check.clean")}</p>
          ) : (
            <Rejects rejects={checked.value.rejects} />
          )}
        </section>
      )}

      {r && (
        <section class="card" aria-labelledby="import-run-title" id="import-run">
          <h2 id="import-run-title">{t("import.run.title")}</h2>
          <label for="import-progress" id="import-progress-label">
            {r.status === "done"
              ? t("import.run.done", { rows: r.rows })
              : busy.value === "sending"
                ? t("import.run.sending", { sent: sent.value, chunks: r.chunks })
                : t("import.run.progress", { done: r.rows_done, rows: r.rows })}
          </label>
          <progress id="import-progress" max={r.rows} value={r.rows_done} />
          <p class="muted">{t("import.run.percent", { percent: r.rows ? Math.floor((100 * r.rows_done) / r.rows) : 0 })}</p>
          {r.status === "done" && (
            <dl class="facts" id="import-final">
              <dt>{t("import.run.created")}</dt>
              <dd data-figure="created">{number(r.created)}</dd>
              <dt>{t("import.run.updated")}</dt>
              <dd data-figure="updated">{number(r.updated)}</dd>
              {r.kind === "visits" && (
                <>
                  <dt>{t("import.run.visits")}</dt>
                  <dd data-figure="visits_added">{number(r.visits_added)}</dd>
                </>
              )}
              <dt>{t("import.run.unchanged")}</dt>
              <dd data-figure="unchanged">{number(r.unchanged)}</dd>
              <dt>{t("import.run.rejected")}</dt>
              <dd data-figure="rejected">{number(r.rejected)}</dd>
            </dl>
          )}
          {r.status === "done" && r.created + r.updated + r.visits_added === 0 && <p id="import-nothing">{t("import.run.nothing")}</p>}
          <FormError text={problem.value} />
        </section>
      )}

      {recent.value && recent.value.imports.length > 0 && (
        <section class="card" aria-labelledby="import-recent-title">
          <h2 id="import-recent-title">{t("import.recent.title")}</h2>
          <Scroll labelledBy="import-recent-title">
            <table id="import-recent">
              <thead>
                <tr>
                  <th scope="col">{t("import.recent.when")}</th>
                  <th scope="col">{t("import.recent.file")}</th>
                  <th scope="col">{t("import.kind")}</th>
                  <th scope="col" class="num">{t("import.recent.rows")}</th>
                  <th scope="col" class="num">{t("import.run.created")}</th>
                  <th scope="col" class="num">{t("import.run.rejected")}</th>
                  <th scope="col">{t("import.recent.state")}</th>
                </tr>
              </thead>
              <tbody>
                {recent.value.imports.map((i) => (
                  <tr>
                    <td class="nowrap">{when(i.created_at)}</td>
                    <td>{i.file_name}</td>
                    <td>{t(`import.kind.${i.kind}` as Key)}</td>
                    <td class="num">{number(i.rows)}</td>
                    <td class="num">{number(i.created)}</td>
                    <td class="num">{number(i.rejected)}</td>
                    <td>{t(`import.state.${i.status}` as Key)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </section>
      )}
    </section>
  );
}

function Rejects({ rejects }: { rejects: Reject[] }) {
  return (
    <Scroll label={t("import.check.rejectsLabel")}>
      <table id="import-rejects">
        <thead>
          <tr>
            <th scope="col" class="num">{t("import.row")}</th>
            <th scope="col">{t("import.column")}</th>
            <th scope="col">{t("import.why")}</th>
          </tr>
        </thead>
        <tbody>
          {rejects.map((x) => (
            <tr data-row={x.row} data-code={x.code}>
              <td class="num">{x.row}</td>
              <td>{x.column ?? t("import.wholeRow")}</td>
              <td>{why(x.code)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
