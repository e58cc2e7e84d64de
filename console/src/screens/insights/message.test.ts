import { describe, expect, it } from "vitest";
import { filled, insertAt, smsOf, textProblem } from "./message";

describe("a campaign's text", () => {
  it("is checked as the engine checks it", () => {
    expect(textProblem("Hi {name}: {link}", false)).toBe("");
    expect(textProblem("Hi {name", false)).toBe("braces");
    expect(textProblem("Hi }name{", false)).toBe("braces");
    expect(textProblem("Hi {{name}}", false)).toBe("braces");
    expect(textProblem("Hi {nombre}", false)).toBe("placeholder");
    expect(textProblem("{bonus} until {expires}", false)).toBe("needsBonus");
    expect(textProblem("{bonus} until {expires}", true)).toBe("");
  });

  it("is filled in for a client", () => {
    expect(filled("Hi {name}, {offer}. {other}", { name: "Анна", offer: "" })).toBe("Hi Анна, . {other}");
  });

  it("takes a placeholder at the cursor", () => {
    expect(insertAt("Hi , see you", "{name}", 3, 3)).toEqual({ text: "Hi {name}, see you", cursor: 9 });
    expect(insertAt("Hi X!", "{name}", 3, 4)).toEqual({ text: "Hi {name}!", cursor: 9 });
    expect(insertAt("", "{link}", 5, 9)).toEqual({ text: "{link}", cursor: 6 });
  });
});

describe("a text's SMS parts across the clients", () => {
  const text = "{name}, your next visit: {link}";
  const link = { link: "https://example.test/s/Bk2Wn8Rd" };
  it("is counted with the longest name in the GSM alphabet", () => {
    const s = smsOf(text, link, ["Анна Петрова", "Jonas Weber", "Ana"]);
    expect(s.name).toBe("Jonas Weber");
    expect(s.info.encoding).toBe("GSM-7");
    expect(s.worst).toMatchObject({ name: "Анна Петрова" }); // Cyrillic: UCS-2, still one part
    expect(s.worst?.info.encoding).toBe("UCS-2");
  });

  it("counts a name with accents as the SMS sends it: folded to GSM-7", () => {
    const s = smsOf(text, link, ["Lucía Jiménez", "Jonas Weber"]);
    expect(s.name).toBe("Lucía Jiménez");
    expect(s.info.encoding).toBe("GSM-7");
    expect(s.info.folded).toEqual(["í"]); // é is GSM-7 already
    expect(s.worst).toBeNull();
  });

  it("names the client it costs most for", () => {
    const long = `${"x".repeat(40)} ${text}`;
    const s = smsOf(long, link, ["Irene Moreno González", "Ана"]);
    expect(s.info.segments).toBe(1);
    expect(s.worst?.name).toBe("Ана");
    expect(s.worst?.info.segments).toBe(2);
  });

  it("without clients, with the example name", () => {
    const s = smsOf(text, link, []);
    expect(s.name).toBeNull();
    expect(s.info.units).toBe(text.length - "{name}{link}".length + 10 + link.link.length);
    expect(s.worst).toBeNull();
  });
});
