// The booking page: a service (and who), a strip of days that marks the ones with free times and
// opens on the first, the next free time across staff, times by part of the day, then the client's
// details, a one-time code when the salon asks for one, and the booked visit. In an overlay on the
// salon's own site (embed.js: ?embed=1&origin=...) it tells the host its height and asks it to close.
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { API, ApiError, call, keepProof, salonPath, storedProof, type Schemas } from "../shared/api";
import { LanguageSwitch, useLanguage } from "../shared/LanguageSwitch";
import { dayParts, dayWords, language, moneyWords, setSalon, t, timeWords, whenWords, type Key } from "../shared/i18n";
import { brandColours } from "../shared/brand";
import { embedding, reveal, tellHost } from "../shared/embedded";
import { groupTimes, openingDay, problems, type Day, type FormField, type Problem, type Slot } from "./logic";
import "../shared/styles.css";

type Catalog = Schemas["CatalogOut"];
type Availability = Schemas["AvailabilityOut"];
type Stage = "pick" | "details" | "code" | "done" | "waitlist" | "waiting";
type PartOfDay = "morning" | "afternoon" | "evening";
const PARTS: PartOfDay[] = ["morning", "afternoon", "evening"];
const MAX_SERVICES = 4; // a visit holds at most four services back to back
// The waitlist's and the multi-service booking's public API (regulars.waitlist, regulars.booking):
// typed here by hand until their routes are in docs/openapi.json beside this page's.
interface WaitlistJoined {
  entry: { id: string; status: string; days: string[]; parts: string[] };
  leave_url?: string | null;
}
interface ChainSlot extends Slot {
  segments?: { service_id: string; staff_id: string; start: string; end: string }[] | null;
}

const params = new URLSearchParams(location.search);
const salonId = params.get("salon") || "demo";
const STRIP_DAYS = 14;

function Book() {
  useLanguage();
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [serviceId, setServiceId] = useState(params.get("service") ?? "");
  const [staffId, setStaffId] = useState(params.get("staff") ?? "");
  const [from, setFrom] = useState<string | null>(null);
  const [avail, setAvail] = useState<Availability | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const [landed, setLanded] = useState<{ asked: Day; shown: string } | null>(null);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [chosen, setChosen] = useState<Slot | null>(null);
  const [stage, setStage] = useState<Stage>("pick");
  const [status, setStatus] = useState("");
  const [errors, setErrors] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [marketing, setMarketing] = useState(false);
  const [agreed, setAgreed] = useState<boolean | null>(null); // what a proven phone agreed to before
  const [check, setCheck] = useState<{ id: string; phone: string; then: "book" | "waitlist" } | null>(null);
  const [extras, setExtras] = useState<string[]>([]); // more services in the same visit, in order
  const [wishDays, setWishDays] = useState<string[]>([]);
  const [wishParts, setWishParts] = useState<PartOfDay[]>([]);
  const [wishConsent, setWishConsent] = useState(false);
  const [waiting, setWaiting] = useState<WaitlistJoined | null>(null);
  const [result, setResult] = useState<Schemas["BookingOut"] | null>(null);
  const [booked, setBooked] = useState<{ what: string; when: string; who: string } | null>(null);
  const idempotencyKey = useRef<string | null>(null);
  const asked = useRef<string | null>(params.get("date"));
  const slotsFor = useRef("");
  const form = useRef<HTMLFormElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const done = useRef<HTMLElement>(null);

  // the catalog: the salon, its services and staff
  useEffect(() => {
    call<Catalog>("GET", salonPath(salonId, "/catalog"))
      .then((c) => {
        setSalon(c.salon.timezone, c.salon.locale);
        setCatalog(c);
        if (!c.services.some((s) => s.id === serviceId)) setServiceId(c.services[0]?.id ?? "");
      })
      .catch((err: ApiError) => setFatal(err.status === 404 ? t("book.unknownSalon") : t("err.general")));
  }, []);

  const salon = catalog?.salon;
  const service = catalog?.services.find((s) => s.id === serviceId);
  const chain = [serviceId, ...extras];
  const staff = useMemo(
    () => catalog?.staff.filter((m) => chain.every((id) => m.service_ids.includes(id))) ?? [],
    [catalog, chain.join(",")],
  );
  const member = staff.find((m) => m.id === staffId);

  useEffect(() => {
    if (!salon) return;
    document.title = t("book.title", { salon: salon.name });
    const colours = brandColours(salon.brand_color);
    for (const [k, v] of Object.entries(colours)) document.documentElement.style.setProperty(k, v);
    const icon = document.querySelector<HTMLLinkElement>("link[rel=icon]");
    if (icon && salon.logo_url) icon.href = salon.logo_url;
  }, [salon, language()]);

  /** The strip's question: the service, or every service of the visit (a day is free when all of them
   * fit back to back), and the staff member chosen. */
  function stripQuery(): URLSearchParams {
    const q = new URLSearchParams(
      extras.length ? { service_ids: chain.join(","), days: String(STRIP_DAYS) } : { service_id: serviceId, days: String(STRIP_DAYS) },
    );
    if (staffId) q.set("staff_id", staffId);
    return q;
  }

  // the strip: which days have free times (from today, or around the day asked for)
  useEffect(() => {
    if (!service) return;
    const q = stripQuery();
    // the strip's own days: moved by the client, around the day asked for, else the days it shows
    // (another staff member or service keeps the client where they are, on the day they chose)
    const shown = avail?.days[0]?.date;
    if (from) q.set("from", from);
    else if (asked.current) q.set("from", asked.current);
    else if (shown) q.set("from", shown);
    setStatus(t("book.loading"));
    call<Availability>("GET", salonPath(salonId, `/availability?${q}`))
      .then((a) => {
        setAvail(a);
        const want = asked.current;
        const open = openingDay(a.days as Day[], want ?? (day && a.days.some((d) => d.date === day) ? day : null));
        const wanted = want ? (a.days as Day[]).find((d) => d.date === want) : undefined;
        setLanded(wanted && open && open !== want ? { asked: wanted, shown: open } : null);
        asked.current = null;
        setDay(open);
        setStatus("");
      })
      .catch(() => setStatus(t("err.general")));
  }, [service?.id, staffId, from, extras.join(",")]);

  // the day's free times
  useEffect(() => {
    if (!service || !day) return;
    const state = avail?.days.find((d) => d.date === day)?.state;
    if (state && state !== "free" && state !== "full") {
      setSlots([]);
      return;
    }
    const q = new URLSearchParams(extras.length ? { service_ids: [service.id, ...extras].join(","), date: day } : { service_id: service.id, date: day });
    if (staffId) q.set("staff_id", staffId);
    // another day or service: its times are not these; the same day read again keeps them meanwhile
    // (the page keeps its height, and the overlay its scroll)
    if (slotsFor.current !== q.toString()) setSlots(null);
    slotsFor.current = q.toString();
    call<Schemas["SlotsOut"]>("GET", salonPath(salonId, `/slots?${q}`))
      .then((r) => {
        setSlots(r.slots);
        const n = groupTimes(r.slots, !staffId).reduce((sum, [, list]) => sum + list.length, 0);
        setStatus(n ? t("book.timesOn", { count: n, day: dayWords(day) }) : "");
      })
      .catch(() => setStatus(t("err.general")));
  }, [service?.id, staffId, day, avail, extras.join(",")]);

  // after a time is tapped: the form in view, its first field focused
  useEffect(() => {
    if (stage === "details") {
      form.current?.scrollIntoView({ block: "start", behavior: "smooth" });
      nameInput.current?.focus({ preventScroll: true });
      reveal(form.current);
    }
    if (stage === "code") {
      codeInput.current?.focus();
      reveal(codeInput.current?.closest("form") ?? null);
    }
    if (stage === "done") {
      done.current?.focus();
      reveal(done.current);
    }
  }, [stage, chosen?.start]);

  // a phone this browser proved before: its consent is shown as it stands (and kept unless changed)
  useEffect(() => {
    const proof = phone.trim().length > 5 ? storedProof(salonId, phone) : null;
    if (!proof) {
      setAgreed(null);
      return;
    }
    let live = true;
    call<Schemas["ConsentStateOut"]>("POST", salonPath(salonId, "/consents/read"), { body: { phone, phone_proof: proof } })
      .then((r) => {
        if (!live) return;
        setAgreed(r.marketing ?? null);
        if (r.marketing !== null && r.marketing !== undefined) setMarketing(r.marketing);
      })
      .catch(() => live && setAgreed(null));
    return () => {
      live = false;
    };
  }, [phone]);

  if (fatal) return <main><p class="error" role="alert">{fatal}</p></main>;
  if (!catalog || !salon) return <main><p role="status" class="muted">{t("book.loading")}</p></main>;

  const tz = salon.timezone;
  void tz;
  const chosenMember = chosen ? catalog.staff.find((m) => m.id === chosen.staff_id) : undefined;
  const errorFor = (field: FormField) => errors.filter((e) => e.field === field).map((e) => t(e.key, e.values)).join(" ");

  function choose(slot: Slot) {
    setChosen(slot);
    idempotencyKey.current = crypto.randomUUID();
    setErrors([]);
    setStage("details");
  }

  function pickDay(date: string) {
    setDay(date);
    setLanded(null);
    setChosen(null);
    setStage("pick");
  }

  function consents(): { consents?: { marketing: boolean } } {
    // known (a proven phone): only a change is sent; unknown: a tick is a consent given now, and no
    // tick says nothing (it never withdraws what a returning client agreed to before)
    if (agreed !== null) return marketing !== agreed ? { consents: { marketing } } : {};
    return marketing ? { consents: { marketing: true } } : {};
  }

  function request() {
    const proof = storedProof(salonId, phone);
    const segments = (chosen as ChainSlot | null)?.segments;
    const what = extras.length
      ? { services: segments?.length ? segments.map((x) => ({ service_id: x.service_id, staff_id: x.staff_id }))
        : chain.map((id) => ({ service_id: id, ...(staffId ? { staff_id: staffId } : {}) })) }
      : { service_id: serviceId, staff_id: staffId || chosen!.staff_id };
    return {
      ...what,
      start: chosen!.start,
      client: { name, phone, locale: language(), ...(email ? { email } : {}) },
      ...consents(),
      ...(params.get("ref") ? { referral_code: params.get("ref") } : {}),
      ...(proof ? { phone_proof: proof } : {}),
    };
  }

  function fail(err: unknown) {
    const found = err instanceof ApiError ? problems(err) : [{ field: "form" as const, key: "err.general" as Key }];
    setErrors(found);
    setStatus("");
    const first = found[0];
    if (first && first.field !== "form") document.getElementById(first.field)?.focus();
    if (err instanceof ApiError && (err.code === "slot_taken" || err.code === "time_blocked" || err.code === "not_a_slot")) {
      // the time went meanwhile: back to the times, without it
      setSlots((s) => s?.filter((x) => !(x.start === chosen?.start && x.staff_id === chosen?.staff_id)) ?? s);
      setChosen(null);
      setStage("pick");
      void refreshStrip(); // the strip's marks and the day's times again
    }
  }

  /** The same strip of days read again (its marks and counts), on the same day; the day's times follow. */
  async function refreshStrip() {
    if (!avail || !service) return;
    const q = stripQuery();
    q.set("from", avail.days[0].date);
    try {
      setAvail(await call<Availability>("GET", salonPath(salonId, `/availability?${q}`)));
    } catch {
      /* the strip stays as it was */
    }
  }

  function finish(out: Schemas["BookingOut"]) {
    const what = chain.map((id) => catalog!.services.find((x) => x.id === id)?.name ?? id).join(" + ");
    const who = catalog!.staff.find((m) => m.id === out.appointment.staff_id)?.name ?? "";
    setBooked({ what, when: whenWords(out.appointment.start), who });
    setResult(out);
    // the time booked is gone at once: from the times, and the day's count
    setSlots((s) => s?.filter((x) => x.start !== out.appointment.start || (staffId !== "" && x.staff_id !== out.appointment.staff_id)) ?? s);
    void refreshStrip(); // then the strip's counts and the day's times as they now are
    setChosen(null);
    setStage("done");
    setStatus(t("book.bookedStatus"));
  }

  async function book(ev: Event) {
    ev.preventDefault();
    setErrors([]);
    const missing: Problem[] = [];
    if (!name.trim()) missing.push({ field: "name", key: "err.nameMissing" });
    if (phone.replace(/\D/g, "").length < 5) missing.push({ field: "phone", key: "err.phone" });
    if (missing.length) {
      setErrors(missing);
      document.getElementById(missing[0].field)?.focus();
      return;
    }
    setBusy(true);
    setStatus(t("book.sending"));
    try {
      finish(await call<Schemas["BookingOut"]>("POST", salonPath(salonId, "/appointments"), {
        body: request(), headers: { "Idempotency-Key": idempotencyKey.current! },
      }));
    } catch (err) {
      if (err instanceof ApiError && err.code === "phone_check_required") {
        keepProof(salonId, [phone], null);
        await askForCode();
      } else fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function askForCode() {
    try {
      const started = await call<Schemas["PhoneCheckOut"]>("POST", salonPath(salonId, "/phone-checks"), { body: { phone, locale: language() } });
      setCheck({ id: started.check_id, phone, then: stage === "waitlist" ? "waitlist" : "book" });
      setCode("");
      setErrors([]);
      setStage("code");
      setStatus(t("book.codeSent", { phone }));
    } catch (err) {
      fail(err);
    }
  }

  async function confirmCode(ev: Event) {
    ev.preventDefault();
    if (!check) return;
    setErrors([]);
    setBusy(true);
    try {
      const proven = await call<Schemas["PhoneProofOut"]>("POST", salonPath(salonId, `/phone-checks/${encodeURIComponent(check.id)}`), {
        body: { phone: check.phone, code: code.trim() },
      });
      keepProof(salonId, [check.phone, proven.phone], proven.phone_proof);
      if (check.then === "waitlist") await submitWaitlist();
      else finish(await call<Schemas["BookingOut"]>("POST", salonPath(salonId, "/appointments"), {
        body: request(), headers: { "Idempotency-Key": idempotencyKey.current! },
      }));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  function openWaitlist() {
    setWishDays(day && dayInfo && (dayInfo.state === "full" || dayInfo.state === "free") ? [day] : []);
    setWishParts([]);
    setErrors([]);
    idempotencyKey.current = crypto.randomUUID();
    setStage("waitlist");
  }

  async function submitWaitlist() {
    const proof = storedProof(salonId, phone);
    const body = {
      client: { name, phone, locale: language() },
      service_id: serviceId,
      staff_ids: staffId ? [staffId] : [],
      days: wishDays,
      weekdays: [],
      parts: wishParts,
      consent: true,
      ...(proof ? { phone_proof: proof } : {}),
    };
    const joined = await call<WaitlistJoined>("POST", salonPath(salonId, "/waitlist"), {
      body, headers: { "Idempotency-Key": idempotencyKey.current! },
    });
    setWaiting(joined);
    setStage("waiting");
    setStatus(t("wait.joinedStatus"));
  }

  async function joinWaitlist(ev: Event) {
    ev.preventDefault();
    setErrors([]);
    const missing: Problem[] = [];
    if (!wishDays.length) missing.push({ field: "days", key: "wait.err.days" });
    if (!wishParts.length) missing.push({ field: "parts", key: "wait.err.parts" });
    if (!name.trim()) missing.push({ field: "name", key: "err.nameMissing" });
    if (phone.replace(/\D/g, "").length < 5) missing.push({ field: "phone", key: "err.phone" });
    if (!wishConsent) missing.push({ field: "consent", key: "wait.err.consent" });
    if (missing.length) {
      setErrors(missing);
      return;
    }
    setBusy(true);
    try {
      await submitWaitlist();
    } catch (err) {
      if (err instanceof ApiError && err.code === "phone_check_required") {
        keepProof(salonId, [phone], null);
        await askForCode();
      } else if (err instanceof ApiError && (err.code === "already_waiting" || err.code === "waitlist_closed")) {
        setErrors([{ field: "form", key: err.code === "already_waiting" ? "wait.err.already" : "wait.err.closed" }]);
      } else fail(err);
    } finally {
      setBusy(false);
    }
  }

  function again() {
    setResult(null);
    setBooked(null);
    setStage("pick");
    setStatus("");
  }

  const dayInfo = avail?.days.find((d) => d.date === day) as Day | undefined;
  const groups = slots ? groupTimes(slots, !staffId) : [];
  const categories = [...new Set(catalog.services.map((s) => s.category ?? ""))];
  const stripStart = avail?.days[0]?.date;
  const stripEnd = avail?.days[avail.days.length - 1]?.date;
  const mapUrl = salon.address ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(salon.address)}` : null;

  function shift(days: number) {
    if (!stripStart) return;
    const d = new Date(`${stripStart}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    const next = d.toISOString().slice(0, 10);
    setFrom(avail && next < avail.today ? avail.today : next);
  }

  return (
    <>
      <header class="salon">
        {salon.logo_url && <img class="logo" src={salon.logo_url} alt="" width={40} height={40} />}
        <div class="salon-words">
          <h1 id="salon-name">{t("book.title", { salon: salon.name })}</h1>
          {(salon.address || salon.phone) && (
            <p class="muted contact">
              {salon.address && <span id="salon-address">{salon.address} · <a href={mapUrl!} target="_blank" rel="noopener">{t("book.map")}</a></span>}
              {salon.address && salon.phone && " · "}
              {salon.phone && <a id="salon-phone" href={`tel:${salon.phone.replace(/[^+\d]/g, "")}`}>{salon.phone}</a>}
            </p>
          )}
        </div>
        <LanguageSwitch />
      </header>
      <main>
        <p id="status" class="visually-hidden" role="status" aria-live="polite">{status}</p>
        <section class="card" aria-labelledby="what-title">
          <h2 id="what-title">{t("book.what")}</h2>
          <label for="service">{t("book.service")}</label>
          <select id="service" value={serviceId} onChange={(e) => { setServiceId(e.currentTarget.value); setStaffId(""); setChosen(null); setStage("pick"); }}>
            {categories.map((cat) => {
              const options = catalog.services.filter((s) => (s.category ?? "") === cat).map((s) => (
                <option value={s.id} key={s.id}>{t("book.serviceOption", { name: s.name, minutes: s.duration_minutes, price: moneyWords(s.price) })}</option>
              ));
              return cat ? <optgroup label={cat} key={cat}>{options}</optgroup> : options;
            })}
          </select>
          {/* what a phone's select may cut off: the length and the price in full, then what it is */}
          {service && <p id="service-facts">{t("book.serviceFacts", { minutes: service.duration_minutes, price: moneyWords(service.price) })}</p>}
          {service?.description && <p id="service-description" class="muted">{service.description}</p>}
          {extras.map((id, i) => (
            <div class="extra" key={i}>
              <label for={`service-${i + 2}`}>{t("book.serviceN", { n: i + 2 })}</label>
              <div class="row-tight">
                <select id={`service-${i + 2}`} value={id} onChange={(e) => { const v = e.currentTarget.value; setExtras((x) => x.map((y, j) => (j === i ? v : y))); setChosen(null); setStage("pick"); }}>
                  {catalog.services.filter((x) => x.id === id || !chain.includes(x.id)).map((x) => (
                    <option value={x.id} key={x.id}>{t("book.serviceOption", { name: x.name, minutes: x.duration_minutes, price: moneyWords(x.price) })}</option>
                  ))}
                </select>
                <button type="button" class="secondary" aria-label={t("book.removeService", { n: i + 2 })}
                  onClick={() => { setExtras((x) => x.filter((_, j) => j !== i)); setChosen(null); setStage("pick"); }}>×</button>
              </div>
            </div>
          ))}
          {chain.length < MAX_SERVICES && catalog.services.some((x) => !chain.includes(x.id)) && (
            <button type="button" class="secondary" id="add-service" onClick={() => {
              const next = catalog.services.find((x) => !chain.includes(x.id));
              if (next) { setExtras((x) => [...x, next.id]); setStaffId(""); setChosen(null); setStage("pick"); }
            }}>{t("book.addService")}</button>
          )}
          <label for="staff">{t("book.with")}</label>
          <select id="staff" value={staffId} onChange={(e) => { setStaffId(e.currentTarget.value); setChosen(null); setStage("pick"); }}>
            <option value="">{t("book.anyone")}</option>
            {staff.map((m) => <option value={m.id} key={m.id}>{m.title ? `${m.name} · ${m.title}` : m.name}</option>)}
          </select>
          {member && (member.photo_url || member.title) && (
            <p class="member">
              {member.photo_url && <img src={member.photo_url} alt="" width={48} height={48} />}
              <span>{member.name}{member.title ? ` · ${member.title}` : ""}</span>
            </p>
          )}
        </section>

        <section class="card" aria-labelledby="when-title">
          <h2 id="when-title">{t("book.when")}</h2>
          {avail?.next && (
            <p>
              <button id="next-free" type="button" class="secondary wide" onClick={() => {
                const next = avail.next!;
                pickDay(next.start.slice(0, 10));
                choose({ start: next.start, staff_id: next.staff_id });
              }}>
                {staffId ? t("book.nextFree", { when: whenWords(avail.next.start) })
                  : t("book.nextFreeWith", { when: whenWords(avail.next.start), who: catalog.staff.find((m) => m.id === avail.next!.staff_id)?.name ?? "" })}
              </button>
            </p>
          )}
          {avail && !avail.next && <p class="muted" id="nothing-free">{t("book.nothingFree")}</p>}
          <div class="strip-nav">
            <button type="button" class="secondary" id="earlier" aria-label={t("book.earlier")} disabled={!avail || !stripStart || stripStart <= avail.today} onClick={() => shift(-STRIP_DAYS)}>‹</button>
            <div class="strip" id="days" role="group" aria-label={t("book.days")}>
              {avail?.days.map((d) => {
                const p = dayParts(d.date);
                return (
                  <button type="button" key={d.date} class={`day ${d.state}`} data-date={d.date} data-state={d.state}
                    aria-pressed={d.date === day} title={`${dayWords(d.date, "long")}: ${dayStateWords(d as Day)}`}
                    onClick={() => pickDay(d.date)}>
                    <span class="weekday">{p.weekday}</span>
                    <span class="date">{p.date}</span>
                    <span class="month">{p.month}</span>
                    <span class="mark" aria-hidden="true">{d.state === "free" ? "●" : "–"}</span>
                    <span class="visually-hidden">{dayStateWords(d as Day)}</span>
                  </button>
                );
              })}
            </div>
            <button type="button" class="secondary" id="later" aria-label={t("book.later")} disabled={!avail || !stripEnd || stripEnd >= avail.last_day} onClick={() => shift(STRIP_DAYS)}>›</button>
          </div>
          {landed && <p id="landed" class="notice-info">{t("book.landed", { asked: dayWords(landed.asked.date, "long"), why: dayStateWords(landed.asked), shown: dayWords(landed.shown, "long") })}</p>}
          {day && dayInfo && dayInfo.state !== "free" && (
            <p id="no-slots" class="muted">{dayEmptyWords(dayInfo, avail!)}</p>
          )}
          {day && dayInfo?.state === "free" && slots && groups.length === 0 && <p id="no-slots" class="muted">{t("book.day.full", { day: dayWords(day, "long") })}</p>}
          {errorFor("form") && stage === "pick" && <p id="book-error" class="error" role="alert">{errorFor("form")}</p>}
          <div id="slots">
            {groups.map(([part, list]) => (
              <div class="part" key={part} role="group" aria-labelledby={`part-${part}`}>
                <h3 id={`part-${part}`}>{t(`book.part.${part}` as Key)}</h3>
                <div class="times">
                  {list.map((s) => (
                    <button type="button" key={`${s.start}-${s.staff_id}`} data-start={s.start} data-staff={s.staff_id}
                      aria-pressed={chosen?.start === s.start && chosen.staff_id === s.staff_id} onClick={() => choose(s)}>
                      {timeWords(s.start)}
                    </button>
                  ))}
                </div>
              </div>
            ))}
          </div>
        </section>

        {(stage === "pick" || stage === "details") && day && avail && (
          <p class="waitlist-hook">
            <button type="button" class="secondary wide" id="waitlist-open" onClick={openWaitlist}>{t("wait.open")}</button>
          </p>
        )}

        {stage === "waitlist" && (
          <form id="waitlist" class="card" onSubmit={joinWaitlist} noValidate aria-labelledby="waitlist-title">
            <h2 id="waitlist-title">{t("wait.title")}</h2>
            <p class="muted">{t("wait.hint", { service: service?.name ?? "" })}</p>
            <fieldset aria-describedby={errorFor("days") ? "wish-days-error" : undefined}>
              <legend>{t("wait.days")}</legend>
              <div class="checks">
                {avail?.days.filter((d) => d.state === "free" || d.state === "full").map((d) => (
                  <label class="check" key={d.date}>
                    <input type="checkbox" name="wish-day" value={d.date} checked={wishDays.includes(d.date)}
                      onChange={(e) => { const on = e.currentTarget.checked; setWishDays((x) => (on ? [...x, d.date] : x.filter((y) => y !== d.date))); }} />
                    {dayWords(d.date)}
                  </label>
                ))}
              </div>
              {errorFor("days") && <p id="wish-days-error" class="error">{errorFor("days")}</p>}
            </fieldset>
            <fieldset aria-describedby={errorFor("parts") ? "wish-parts-error" : undefined}>
              <legend>{t("wait.parts")}</legend>
              <div class="checks">
                {PARTS.map((p) => (
                  <label class="check" key={p}>
                    <input type="checkbox" name="wish-part" value={p} checked={wishParts.includes(p)}
                      onChange={(e) => { const on = e.currentTarget.checked; setWishParts((x) => (on ? [...x, p] : x.filter((y) => y !== p))); }} />
                    {t(`book.part.${p}` as Key)}
                  </label>
                ))}
              </div>
              {errorFor("parts") && <p id="wish-parts-error" class="error">{errorFor("parts")}</p>}
            </fieldset>
            <p class="muted small">{staffId ? t("wait.with", { who: member?.name ?? "" }) : t("wait.anyone")}</p>
            <TextField id="name" label={t("book.name")} value={name} onInput={setName} error={errorFor("name")} autocomplete="name" />
            <TextField id="phone" label={t("book.phone")} value={phone} onInput={setPhone} error={errorFor("phone")} autocomplete="tel" type="tel" />
            <div class="consent">
              <input id="wish-consent" type="checkbox" checked={wishConsent} onChange={(e) => setWishConsent(e.currentTarget.checked)}
                aria-invalid={errorFor("consent") ? true : undefined} aria-describedby={errorFor("consent") ? "wish-consent-error" : undefined} />
              <label for="wish-consent">{t("wait.consent")}</label>
            </div>
            {errorFor("consent") && <p id="wish-consent-error" class="error">{errorFor("consent")}</p>}
            {errorFor("form") && <p id="waitlist-error" class="error" role="alert">{errorFor("form")}</p>}
            <button type="submit" id="waitlist-join" class="wide" disabled={busy}>{t("wait.join")}</button>
            <button type="button" class="secondary wide" onClick={() => setStage("pick")}>{t("wait.back")}</button>
          </form>
        )}

        {stage === "waiting" && waiting && (
          <section id="waiting" class="card" aria-labelledby="waiting-text">
            <h2 id="waiting-text" class="notice">{t("wait.joined")}</h2>
            {waiting.leave_url && <p><a id="waitlist-leave" href={waiting.leave_url} target={embedding ? "_blank" : undefined} rel="noopener">{t("wait.leave")}</a></p>}
            <button type="button" class="secondary" onClick={again}>{t("book.another")}</button>
          </section>
        )}

        {stage === "details" && chosen && (
          <form id="details" class="card" ref={form} onSubmit={book} noValidate aria-labelledby="details-title">
            <h2 id="details-title">{t("book.details")}</h2>
            <p>{t("book.yourVisit")} <strong id="chosen">{t("book.visitWords", { service: chain.map((id) => catalog.services.find((x) => x.id === id)?.name ?? id).join(" + "), when: whenWords(chosen.start), who: chosenMember?.name ?? "" })}</strong></p>
            <TextField id="name" label={t("book.name")} value={name} onInput={setName} error={errorFor("name")} autocomplete="name" inputRef={nameInput} />
            <TextField id="phone" label={t("book.phone")} value={phone} onInput={setPhone} error={errorFor("phone")} autocomplete="tel" type="tel" hint={t("book.phoneHint")} />
            <TextField id="email" label={t("book.email")} value={email} onInput={setEmail} error={errorFor("email")} autocomplete="email" type="email" />
            <div class="consent">
              <input id="marketing" type="checkbox" checked={marketing} onChange={(e) => setMarketing(e.currentTarget.checked)} aria-describedby="marketing-hint" />
              <label for="marketing">{t("book.marketing")}</label>
            </div>
            <p id="marketing-hint" class="muted small">
              {agreed === null ? t("book.marketingHint") : agreed ? t("book.marketingKept") : t("book.marketingNone")}
              {salon.privacy_url && <> <a id="privacy" href={salon.privacy_url} target="_blank" rel="noopener">{t("book.privacy")}</a></>}
            </p>
            {errorFor("form") && <p id="book-error" class="error" role="alert">{errorFor("form")}</p>}
            <button id="book" type="submit" class="wide" disabled={busy}>{t("book.book")}</button>
          </form>
        )}

        {stage === "code" && check && (
          <form id="code-form" class="card" onSubmit={confirmCode} noValidate aria-labelledby="code-title">
            <h2 id="code-title">{t("book.codeTitle")}</h2>
            <p id="code-sent">{t("book.codeSent", { phone: check.phone })}</p>
            <TextField id="code" label={t("book.code")} value={code} onInput={setCode} error={errorFor("code")} autocomplete="one-time-code" inputMode="numeric" inputRef={codeInput} />
            {errorFor("form") && <p id="book-error" class="error" role="alert">{errorFor("form")}</p>}
            <button id="code-confirm" type="submit" class="wide" disabled={busy}>{t("book.codeConfirm")}</button>
            <button id="code-again" type="button" class="secondary wide" onClick={askForCode}>{t("book.codeAgain")}</button>
          </form>
        )}

        {stage === "done" && result && booked && (
          <section id="done" class="card" tabIndex={-1} ref={done} aria-labelledby="done-text">
            <h2 id="done-text" class="notice">{t("book.booked", booked)}</h2>
            {result.manage_url
              ? <p id="manage">{t("book.manage")} <a id="manage-link" href={result.manage_url} target={embedding ? "_blank" : undefined} rel="noopener">{t("book.manageOpen")}</a></p>
              : <p id="manage-sent">{t("book.manageSent")}</p>}
            {calendarLink(result.manage_url) && <p id="calendar"><a id="calendar-link" href={calendarLink(result.manage_url)!} download="visit.ics">{t("book.calendar")}</a></p>}
            {result.telegram_url && <p id="telegram"><a id="telegram-link" href={result.telegram_url} target="_blank" rel="noopener">{t("book.telegram")}</a></p>}
            <button type="button" class="secondary" id="book-another" onClick={again}>{t("book.another")}</button>
          </section>
        )}
      </main>
    </>
  );
}

function dayStateWords(d: Day): string {
  switch (d.state) {
    case "free":
      return t("book.state.free", { count: d.free_times });
    case "full":
      return t("book.state.full");
    case "closed":
      return t("book.state.closed");
    case "past":
      return t("book.state.past");
    default:
      return t("book.state.beyond");
  }
}

function dayEmptyWords(d: Day, a: Availability): string {
  const day = dayWords(d.date, "long");
  if (d.state === "closed") return t("book.day.closed", { day });
  if (d.state === "past") return t("book.day.past", { day });
  if (d.state === "beyond_horizon") return t("book.day.beyond", { day, last: dayWords(a.last_day, "long") });
  return t("book.day.full", { day });
}

interface FieldProps {
  id: FormField;
  label: string;
  value: string;
  onInput: (v: string) => void;
  error: string;
  hint?: string;
  type?: "text" | "tel" | "email";
  autocomplete?: string;
  inputMode?: "numeric";
  inputRef?: { current: HTMLInputElement | null };
}

function TextField({ id, label, value, onInput, error, hint, type, autocomplete, inputMode, inputRef }: FieldProps) {
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} ref={inputRef} type={(type ?? "text") as "text"} value={value} autocomplete={autocomplete} inputMode={inputMode}
        aria-invalid={error ? true : undefined} aria-describedby={described}
        onInput={(e) => onInput(e.currentTarget.value)} />
      {hint && <p id={`${id}-hint`} class="muted small">{hint}</p>}
      {error && <p id={`${id}-error`} class="error field-error">{error}</p>}
    </div>
  );
}

render(<Book />, document.getElementById("app")!);
if (embedding) tellHost();

/** The visit's calendar file, through the token of its manage link (None without one). */
function calendarLink(manageUrl: string | null | undefined): string | null {
  const token = manageUrl ? new URL(manageUrl, location.href).searchParams.get("token") : null;
  return token ? `${API}/v1/manage/${encodeURIComponent(token)}/calendar` : null;
}
