import { describe, expect, it } from "vitest";
import { chunks, decode, guess, MAX_CELL, missing, parse, project, recognise, type Preset } from "./csv";

const FRESHA: Preset = {
  id: "fresha-clients",
  platform: "Fresha",
  kind: "clients",
  day_first: true,
  columns: { first_name: "First Name", last_name: "Last Name", phone: "Mobile Number", marketing_consent: "Accepts Marketing" },
};
const DIKIDI: Preset = { id: "dikidi-clients", platform: "DIKIDI", kind: "clients", day_first: true, columns: { name: "Имя", phone: "Телефон" } };

describe("reading a file", () => {
  it("keeps quoted cells whole, finds a semicolon delimiter and keeps inner empty lines", () => {
    const sheet = parse('Имя;Телефон;Комментарий\n"Иванова, Анна";+7 900 000-00-01;"любит ""кофе"""\n\nПётр;8 900 000 00 02;\n\n');
    expect(sheet.header).toEqual(["Имя", "Телефон", "Комментарий"]);
    expect(sheet.rows).toEqual([["Иванова, Анна", "+7 900 000-00-01", 'любит "кофе"'], [""], ["Пётр", "8 900 000 00 02", ""]]);
  });

  it("reads UTF-8, and Windows-1251 when the bytes are not UTF-8", () => {
    expect(decode(new TextEncoder().encode("\uFEFFИмя,Телефон").buffer as ArrayBuffer)).toBe("Имя,Телефон");
    const cp1251 = new Uint8Array([0xc8, 0xec, 0xff]); // "Имя"
    expect(decode(cp1251.buffer)).toBe("Имя");
  });
});

describe("the mapping", () => {
  it("takes a preset's columns, case and spaces aside, and known names for the rest", () => {
    const header = ["first name", "Last Name", "Mobile  Number", "Email", "Marketing consent", "Gender"];
    expect(guess(["name", "first_name", "last_name", "phone", "email", "marketing_consent"], header, FRESHA)).toEqual({
      first_name: "first name",
      last_name: "Last Name",
      phone: "Mobile  Number",
      email: "Email",
      marketing_consent: "Marketing consent",
    });
  });

  it("recognises the platform by its header, and none for a header it does not know", () => {
    expect(recognise([FRESHA, DIKIDI], ["Имя", "Телефон", "Пол"])?.id).toBe("dikidi-clients");
    expect(recognise([FRESHA, DIKIDI], ["Who", "Number"])).toBeUndefined();
  });

  it("says what it lacks: a phone, and a name for clients or a date for visits", () => {
    expect(missing("clients", {})).toEqual(["phone", "name"]);
    expect(missing("visits", { phone: "P" })).toEqual(["date"]);
    expect(missing("clients", { phone: "P", last_name: "L" })).toEqual([]);
  });
});

it("cuts the rows into chunks numbered as the file's rows", () => {
  const rows = Array.from({ length: 5 }, (_, i) => [String(i)]);
  expect(chunks(rows, 2).map((c) => [c.n, c.firstRow, c.rows.length])).toEqual([
    [0, 2, 2],
    [1, 4, 2],
    [2, 6, 1],
  ]);
});

it("sends only the mapped columns, their cells cut to what the API keeps", () => {
  const sheet = { header: ["Name", "Secret", "Phone"], rows: [["Ada", "x", "+49 1"], ["Bea", "y"]] };
  expect(project(sheet, { name: "Name", phone: "Phone" })).toEqual({ header: ["Name", "Phone"], rows: [["Ada", "+49 1"], ["Bea", ""]] });
  expect(project({ header: ["N"], rows: [["a".repeat(MAX_CELL + 5)]] }, { notes: "N" }).rows[0][0]).toHaveLength(MAX_CELL);
});
