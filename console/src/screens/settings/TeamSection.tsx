// The team: who signs in to the salon and with what role; an owner invites, changes a role or removes
// someone (after a confirmation). The API refuses to leave the salon without an owner: said in words.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, explain, fieldErrors, ok, type Schemas } from "../../api/client";
import { Dialog, Field, FormError, Scroll } from "../../components/ui";
import { t } from "../../i18n";
import { me, may, say, staff, staffById } from "../../state";
import { ROLES, roleMeans, roleName, type Role } from "./words";

type Member = Schemas["TeamMemberOut"];

export function TeamSection() {
  const members = useSignal<Member[] | null>(null);
  const problem = useSignal("");
  const removing = useSignal<Member | null>(null);

  async function load() {
    try {
      members.value = (await ok(api.GET("/v1/admin/team"))).members;
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void load(), []);

  return (
    <>
      <section class="card" aria-labelledby="team-title">
        <div class="toolbar">
          <h2 id="team-title">{t("settings.team.title")}</h2>
          {members.value && <span class="muted">{t("settings.team.members", { count: members.value.length })}</span>}
        </div>
        <FormError text={problem.value} />
        {members.value === null && !problem.value && <p class="loading">{t("common.loading")}</p>}
        {members.value && (
          <Scroll labelledBy="team-title">
            <table id="team-table">
              <thead>
                <tr>
                  <th scope="col">{t("settings.team.email")}</th>
                  <th scope="col">{t("settings.team.role")}</th>
                  {(may("team.change_role") || may("team.remove")) && <th scope="col"><span class="visually-hidden">{t("settings.actions")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {members.value.map((m) => (
                  <MemberRow key={m.user_id} member={m} onChanged={load} onRemove={() => (removing.value = m)} />
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </section>
      {may("team.invite") && <Invite onInvited={load} />}
      <Dialog title={removing.value ? t("settings.team.removeTitle", { email: removing.value.email }) : ""} open={removing.value !== null} onClose={() => (removing.value = null)}>
        {removing.value && (
          <Remove
            member={removing.value}
            onDone={async () => {
              removing.value = null;
              await load();
            }}
          />
        )}
      </Dialog>
    </>
  );
}

function MemberRow({ member, onChanged, onRemove }: { member: Member; onChanged: () => Promise<void>; onRemove: () => void }) {
  const role = useSignal<Role>(member.role);
  const staffId = useSignal(member.staff_id ?? "");
  const problem = useSignal("");
  const busy = useSignal(false);
  const you = member.user_id === me.value?.user_id;
  const changed = role.value !== member.role || (role.value === "staff" && staffId.value !== (member.staff_id ?? ""));

  async function change() {
    problem.value = "";
    busy.value = true;
    try {
      const saved = await ok(
        api.PATCH("/v1/admin/team/{user_id}", {
          params: { path: { user_id: member.user_id } },
          body: { role: role.value, staff_id: role.value === "staff" ? staffId.value || null : null },
        }),
      );
      say(t("settings.team.roleChanged", { email: saved.email, role: roleName(saved.role) }));
      await onChanged();
    } catch (err) {
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  const errorId = `team-error-${member.user_id}`;
  return (
    <tr data-member={member.email}>
      <th scope="row">
        {member.email}
        {you && <span class="muted"> ({t("settings.team.you")})</span>}
      </th>
      <td>
        {may("team.change_role") ? (
          <div class="inline team-role">
            <select name="role" aria-label={t("settings.team.roleOf", { email: member.email })} aria-describedby={problem.value ? errorId : undefined}
              value={role.value} onChange={(e) => (role.value = e.currentTarget.value as Role)}>
              {ROLES.map((r) => <option value={r}>{roleName(r)}</option>)}
            </select>
            {role.value === "staff" && (
              <select name="staff" aria-label={t("settings.team.staffMember")} value={staffId.value} onChange={(e) => (staffId.value = e.currentTarget.value)}>
                <option value="">{t("settings.team.noStaff")}</option>
                {staff.value.map((s) => <option value={s.id}>{s.name}</option>)}
              </select>
            )}
          </div>
        ) : (
          <>
            {roleName(member.role)}
            {member.staff_id && <span class="muted"> · {staffById.value.get(member.staff_id)?.name ?? t("common.unknown")}</span>}
          </>
        )}
        {problem.value && <p id={errorId} class="error" role="alert">{problem.value}</p>}
      </td>
      {(may("team.change_role") || may("team.remove")) && (
        <td>
          <div class="row-actions">
            {may("team.change_role") && changed && (
              <button type="button" class="change-role" disabled={busy.value} onClick={() => void change()}>{t("settings.team.changeRole")}</button>
            )}
            {may("team.remove") && (
              <button type="button" class="secondary remove" aria-label={`${t("settings.team.remove")}: ${member.email}`} onClick={onRemove}>
                {t("settings.team.remove")}
              </button>
            )}
          </div>
        </td>
      )}
    </tr>
  );
}

function Remove({ member, onDone }: { member: Member; onDone: () => Promise<void> }) {
  const problem = useSignal("");
  const busy = useSignal(false);
  async function remove() {
    problem.value = "";
    busy.value = true;
    try {
      await ok(api.DELETE("/v1/admin/team/{user_id}", { params: { path: { user_id: member.user_id } } }));
      say(t("settings.team.removed", { email: member.email }));
      await onDone();
    } catch (err) {
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }
  return (
    <div>
      <p>{t("settings.team.removeText", { email: member.email })}</p>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="button" class="danger" id="team-remove-confirm" disabled={busy.value} onClick={() => void remove()}>{t("settings.team.remove")}</button>
        <button type="button" class="secondary" onClick={() => void onDone()}>{t("common.cancel")}</button>
      </div>
    </div>
  );
}

function Invite({ onInvited }: { onInvited: () => Promise<void> }) {
  const v = useSignal<{ email: string; role: Role; staffId: string }>({ email: "", role: "reception", staffId: "" });
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const set = (patch: Partial<typeof v.value>) => (v.value = { ...v.value, ...patch });

  async function invite(ev: Event) {
    ev.preventDefault();
    problem.value = "";
    const x = v.value;
    const e: Record<string, string> = {};
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(x.email.trim())) e.email = x.email.trim() ? t("error.fieldEmail") : t("common.required");
    errors.value = e;
    if (Object.keys(e).length) return;
    busy.value = true;
    try {
      const added = await ok(
        api.POST("/v1/admin/team", { body: { email: x.email.trim(), role: x.role, staff_id: x.role === "staff" ? x.staffId || null : null } }),
      );
      say(t("settings.team.invited", { email: added.email }));
      v.value = { email: "", role: "reception", staffId: "" };
      await onInvited();
    } catch (err) {
      errors.value = fieldErrors(err, { staff_id: "staffId" });
      if (err instanceof Error && "code" in err && ["member_exists", "email_in_another_salon"].includes(String(err.code))) errors.value = { ...errors.value, email: explain(err) };
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form id="team-invite" class="card" aria-labelledby="invite-title" onSubmit={invite} noValidate>
      <h2 id="invite-title">{t("settings.team.inviteTitle")}</h2>
      <div class="row">
        <Field label={t("settings.team.email")} error={errors.value.email}
          input={{ name: "email", type: "email", autoComplete: "off", value: v.value.email, maxLength: 254, onInput: (e) => set({ email: e.currentTarget.value }) }} />
        <Field label={t("settings.team.role")} hint={roleMeans(v.value.role)} error={errors.value.role}>
          {({ id, describedBy }) => (
            <select id={id} name="role" aria-describedby={describedBy} value={v.value.role} onChange={(e) => set({ role: e.currentTarget.value as Role })}>
              {ROLES.map((r) => <option value={r}>{roleName(r)}</option>)}
            </select>
          )}
        </Field>
        {v.value.role === "staff" && (
          <Field label={t("settings.team.staffMember")} hint={t("settings.team.staffHint")} error={errors.value.staffId}>
            {({ id, describedBy }) => (
              <select id={id} name="staff" aria-describedby={describedBy} value={v.value.staffId} onChange={(e) => set({ staffId: e.currentTarget.value })}>
                <option value="">{t("settings.team.noStaff")}</option>
                {staff.value.map((s) => <option value={s.id}>{s.name}</option>)}
              </select>
            )}
          </Field>
        )}
      </div>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" id="team-invite-send" disabled={busy.value}>{t("settings.team.invite")}</button>
      </div>
    </form>
  );
}
